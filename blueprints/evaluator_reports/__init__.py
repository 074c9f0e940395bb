"""The alliance's reports on the evaluator register (issue 20): evaluators by body, sector
coverage against the enterprises with projects under way, and the registrations about to
expire — each a page with its filters and the Excel of exactly what it shows."""
