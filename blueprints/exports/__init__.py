"""One's own background exports: a large list's Excel prepared by the scheduler (the job's
page with its progress, the download, the list of one's exports) — app.list_exports queues
them, jobs.py runs and expires them."""
