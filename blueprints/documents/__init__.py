"""Documents of a project (deliverables, reports, evidence): who may upload which kind, storage
through ``app.uploads``, lists and lookups. Used by the project and audit pages."""
