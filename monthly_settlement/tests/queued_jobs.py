"""The month-end scheduled actions only enqueue OCA queue_job jobs when monthly_settlement_month_end
is installed (it is, in the suite's database): tests of those scheduled actions perform the jobs
they enqueued, in the test's transaction, as queue_job's runner would."""


def perform_queued_jobs(env):
    """Perform the jobs waiting (those they enqueue too), oldest first; return their results.
    Nothing to do without queue_job."""
    if "queue.job" not in env:
        return []
    from odoo.addons.queue_job.job import Job  # noqa: PLC0415 (queue_job is optional here)

    results, performed = [], set()
    while True:
        waiting = (
            env["queue.job"]
            .sudo()
            .search([("state", "in", ("pending", "enqueued")), ("id", "not in", list(performed))], order="id")
        )
        if not waiting:
            return results
        for record in waiting:
            performed.add(record.id)
            job = Job.load(env, record.uuid)
            job.set_started()
            job.store()
            results.append(job.perform())
            job.set_done()
            job.store()
