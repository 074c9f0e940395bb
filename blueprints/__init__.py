"""Feature packages. Each exposes ``bp``; the order here is the registration order."""

from blueprints.admin.routes import bp as admin_bp
from blueprints.assessment.routes import bp as assessment_bp
from blueprints.audits.routes import bp as audits_bp
from blueprints.auth.routes import bp as auth_bp
from blueprints.certificates.routes import bp as certificates_bp
from blueprints.clauses.routes import bp as clauses_bp
from blueprints.main.routes import bp as main_bp
from blueprints.notifications.routes import bp as notifications_bp
from blueprints.orgs.routes import bp as orgs_bp
from blueprints.projects.routes import bp as projects_bp
from blueprints.publicity.routes import bp as publicity_bp
from blueprints.reference.routes import bp as reference_bp

BLUEPRINTS = (
    main_bp,
    auth_bp,
    orgs_bp,
    assessment_bp,
    projects_bp,
    audits_bp,
    publicity_bp,
    certificates_bp,
    notifications_bp,
    clauses_bp,
    admin_bp,
    reference_bp,
)
