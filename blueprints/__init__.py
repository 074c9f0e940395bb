"""Feature packages and what the factory registers from them.

``BLUEPRINTS``: each feature's ``bp``, in registration order. ``TASKS``: the features'
periodic tasks (each package's ``tasks.py``), in the order a scheduler run takes them.
``COMMANDS``: the features' ``flask`` command groups (the core groups are in ``app/cli.py``).
"""

from blueprints.admin.cli import users_cli
from blueprints.admin.routes import bp as admin_bp
from blueprints.api import tasks as api_tasks
from blueprints.api.docs_routes import bp as api_docs_bp
from blueprints.api.key_routes import bp as api_keys_bp
from blueprints.api.v1 import api as api_v1
from blueprints.assessment.cli import assessment_cli
from blueprints.assessment.routes import bp as assessment_bp
from blueprints.audits.routes import bp as audits_bp
from blueprints.auth.routes import bp as auth_bp
from blueprints.campaigns.routes import bp as campaigns_bp
from blueprints.cases import tasks as cases_tasks
from blueprints.cases.public_routes import bp as complaints_bp
from blueprints.cases.routes import bp as cases_bp
from blueprints.certificates import tasks as certificates_tasks
from blueprints.certificates.routes import bp as certificates_bp
from blueprints.checks.routes import bp as checks_bp
from blueprints.clauses.routes import bp as clauses_bp
from blueprints.declarations import tasks as declarations_tasks
from blueprints.declarations.routes import bp as declarations_bp
from blueprints.demand.routes import bp as demand_bp
from blueprints.demo.cli import demo_cli
from blueprints.diagnosis.routes import bp as diagnosis_bp

# The blueprint, with the record's, the forms' and the progress reports' views registered on
# it (each module imports routes, which makes it).
from blueprints.engagements import paperwork_routes as _paperwork_views  # noqa: F401
from blueprints.engagements import progress_report_routes as _report_views  # noqa: F401
from blueprints.engagements.record_routes import bp as engagements_bp
from blueprints.evaluator_reports import tasks as evaluator_reports_tasks
from blueprints.evaluator_reports.routes import bp as evaluator_reports_bp
from blueprints.evaluators import tasks as evaluators_tasks
from blueprints.evaluators.routes import bp as evaluators_bp
from blueprints.exports import tasks as exports_tasks
from blueprints.exports.routes import bp as exports_bp
from blueprints.main.routes import bp as main_bp
from blueprints.notices.public_routes import bp as announcements_bp
from blueprints.notices.routes import bp as notices_bp
from blueprints.notifications.routes import bp as notifications_bp
from blueprints.orgs.routes import bp as orgs_bp
from blueprints.pool import tasks as pool_tasks
from blueprints.pool.public_routes import bp as providers_bp
from blueprints.pool.routes import bp as pool_bp
from blueprints.projects import tasks as projects_tasks
from blueprints.projects.routes import bp as projects_bp
from blueprints.publicity import tasks as publicity_tasks
from blueprints.publicity.routes import bp as publicity_bp
from blueprints.reference.cli import reference_cli
from blueprints.reference.routes import bp as reference_bp

# The reform blueprint with the review's and the programme board's views registered on it.
from blueprints.reform import board_routes as _board_views  # noqa: F401
from blueprints.reform.review_routes import bp as reform_bp
from blueprints.reform.subsidy_routes import bp as reform_subsidy_bp
from blueprints.roster import tasks as roster_tasks
from blueprints.roster.routes import bp as roster_bp
from blueprints.special_audits.routes import bp as special_audits_bp
from blueprints.statistics import tasks as statistics_tasks
from blueprints.statistics.routes import bp as statistics_bp
from blueprints.surveillance import tasks as surveillance_tasks
from blueprints.surveillance.routes import bp as surveillance_bp
from blueprints.webhooks import tasks as webhooks_tasks
from blueprints.webhooks.routes import bp as webhooks_bp

BLUEPRINTS = (
    main_bp,
    auth_bp,
    orgs_bp,
    assessment_bp,
    campaigns_bp,
    roster_bp,
    checks_bp,
    statistics_bp,
    projects_bp,
    audits_bp,
    evaluators_bp,
    evaluator_reports_bp,
    publicity_bp,
    certificates_bp,
    surveillance_bp,
    cases_bp,
    complaints_bp,
    special_audits_bp,
    notifications_bp,
    exports_bp,
    notices_bp,
    announcements_bp,
    diagnosis_bp,
    engagements_bp,
    demand_bp,
    pool_bp,
    providers_bp,
    reform_bp,
    reform_subsidy_bp,
    clauses_bp,
    declarations_bp,
    admin_bp,
    reference_bp,
    api_keys_bp,
    webhooks_bp,
    api_docs_bp,
    api_v1,
)

# Consequences before reminders: a missed surveillance suspends before anyone is reminded.
TASKS = (
    *surveillance_tasks.TASKS,
    *certificates_tasks.TASKS,
    *projects_tasks.TASKS,
    *publicity_tasks.TASKS,
    *pool_tasks.TASKS,
    *roster_tasks.TASKS,
    *evaluators_tasks.TASKS,
    *evaluator_reports_tasks.TASKS,
    *statistics_tasks.TASKS,
    *api_tasks.TASKS,
    *declarations_tasks.TASKS,
    *cases_tasks.TASKS,
    *webhooks_tasks.TASKS,
    *exports_tasks.TASKS,
)

# Feature `flask` groups (users, reference, demo, assessment); app.cli.register adds the core ones.
COMMANDS = (users_cli, reference_cli, demo_cli, assessment_cli)
