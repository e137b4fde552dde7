from odoo.addons.queue_job.job import Job

RUN = "monthly.settlement.month.end"
STATEMENT = "monthly.settlement.statement"
MODULE = "odoo.addons.monthly_settlement_month_end.models.monthly_settlement_month_end"


class MonthEndCase:
    """Helpers of the month-end tests (mixed into a MonthlySettlementCommon case)."""

    def _run(self, date, statement_type="account", company=None):
        return self.env[RUN].search(
            [
                ("company_id", "=", (company or self.env.company).id),
                ("date", "=", date),
                ("statement_type", "=", statement_type),
            ]
        )

    def _jobs(self, run, method=None):
        jobs = self.env["queue.job"].sudo().search([("month_end_id", "=", run.id)], order="id")
        return jobs.filtered(lambda job: job.method_name == method) if method else jobs

    def _perform(self, record, env=None):
        """Perform a stored job as queue_job's runner does (its state included), in ``env`` (the
        test's by default); return the Job."""
        job = Job.load(env or self.env, record.uuid)
        job.set_started()
        job.store()
        job.perform()
        job.set_done()
        job.store()
        return job

    def _approved(self, customer):
        statement = self._generate(customer, self.d("2026-11-24"))
        statement.action_submit()
        self.env.company.settlement_four_eyes = False
        statement.action_approve()
        return statement
