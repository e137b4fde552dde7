"""Confirmation follow-ups came with 19.0.1.1.0: companies of an existing database get their
default follow-up schedule, as new databases do at installation (the data file's function runs
only then). Payment reminder schedules are left as they are."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["monthly.settlement.reminder.step"]._create_default_steps(kinds=["confirmation"])
