"""Scheduled actions that work through many records: one loop, committed batch by batch."""

from odoo import models
from odoo.tools import split_every


def process_in_batches(env, items, size, process):
    """Call ``process(batch)`` on ``items`` (a recordset or a list) ``size`` at a time, committing
    each batch with the scheduled action's progress; stop when its time is up, the next run
    going on with what is left.

    :return: whether every item was processed
    """
    if isinstance(items, models.BaseModel):
        batches = split_every(size, items.ids, items.browse)
    else:
        batches = split_every(size, items, list)
    done = 0
    for batch in batches:
        process(batch)
        done += len(batch)
        if env["ir.cron"]._commit_progress(len(batch), remaining=len(items) - done) <= 0:
            return False
    return True
