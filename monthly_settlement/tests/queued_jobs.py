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


def delete_month_end_runs(cr, company_id):
    """Delete the committed month-end runs of a company (tests with a committed fixture): their
    jobs, messages (their emails with them), activities and followers."""
    cr.execute("SELECT to_regclass('monthly_settlement_month_end') IS NOT NULL")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        """
        CREATE TEMPORARY TABLE month_end_runs_to_delete ON COMMIT DROP AS
            SELECT id FROM monthly_settlement_month_end WHERE company_id = %(company)s;
        DELETE FROM mail_message WHERE model = 'monthly.settlement.month.end'
           AND res_id IN (SELECT id FROM month_end_runs_to_delete);
        DELETE FROM mail_activity WHERE res_model = 'monthly.settlement.month.end'
           AND res_id IN (SELECT id FROM month_end_runs_to_delete);
        DELETE FROM mail_followers WHERE res_model = 'monthly.settlement.month.end'
           AND res_id IN (SELECT id FROM month_end_runs_to_delete);
        DELETE FROM queue_job WHERE month_end_id IN (SELECT id FROM month_end_runs_to_delete);
        DELETE FROM monthly_settlement_month_end WHERE id IN (SELECT id FROM month_end_runs_to_delete);
        """,
        {"company": company_id},
    )
