"""Refreshing a statement from the books: regenerating a draft, making a new revision of a statement
the customer has, and saying what changed, line by line, against what the statement said before."""

from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..tools.access import check_settlement_group


class MonthlySettlementStatementRevision(models.AbstractModel):
    """Part of monthly.settlement.statement, which inherits it: regeneration and revisions."""

    _name = "monthly.settlement.statement.revision"
    _description = "Customer Statement Revisions"

    def action_regenerate(self):
        """Refresh drafts from the books; the chatter says what changed, the user whether anything did."""
        check_settlement_group(self.env, "user")
        self._check_draft(self.env._("regenerate"))
        before = {statement: statement._snapshot() for statement in self}
        for statements in self._grouped_by_run():
            self.env["monthly.settlement.engine"]._regenerate(statements)
        changed = [statement for statement in self if statement._note_changes(before[statement])]
        self.filtered("previous_revision_id")._mark_revision_changes()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if changed else "info",
                "message": self.env._("Regenerated: what changed is in the chatter.")
                if changed
                else self.env._("Regenerated: nothing has changed in the books."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_new_revision(self):
        """Replace a statement the customer has by a regenerated draft with the next revision
        number, once the books have changed; it supersedes this one when approved."""
        check_settlement_group(self.env, "reviewer")
        # A withdrawn statement (cancelled after sending) is corrected by a new revision too.
        self.filtered(lambda statement: not statement.is_withdrawn)._check_state(
            {"approved", "sent", "disputed"}, self.env._("revise")
        )
        self.filtered("is_withdrawn")._check_state({"cancel"}, self.env._("revise"))
        for statement in self:
            if self.search_count([("previous_revision_id", "=", statement.id)]):
                raise UserError(
                    self.env._(
                        "Statement %(statement)s already has a newer revision.", statement=statement.display_name
                    )
                )
        self._check_books_changed()
        revisions = self.browse()
        for statement in self:
            values = {"revision": statement.revision + 1, "previous_revision_id": statement.id, "name": statement.name}
            revisions |= statement.sudo().copy(values).with_env(self.env)
        for statements in revisions._grouped_by_run():
            self.env["monthly.settlement.engine"]._regenerate(statements)
        revisions._mark_revision_changes()
        for revision in revisions:
            revision._note_changes(revision.previous_revision_id._snapshot())
        if len(revisions) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": self._name,
                "res_id": revisions.id,
                "view_mode": "form",
            }
        return True

    def _check_books_changed(self):
        """A new revision of unchanged books would be a copy: say so instead of making one."""
        for statements in self._grouped_by_run():
            engine = statements.env["monthly.settlement.engine"]
            figures = engine._compute_figures(engine._jobs_of_statements(statements))
            for statement in statements:
                current = figures.get((statement.partner_id.id, statement.currency_id.id), {})
                books = {
                    "lines": {
                        line["move_id"]: (line["name"], line["amount"], line["open_amount"])
                        for line in current.get("lines", [])
                        if line.get("move_id")
                    },
                    "opening": current.get("opening", 0.0),
                    "closing": current.get("closing", 0.0),
                }
                if statement._same_snapshot(books, statement._snapshot()):
                    raise UserError(
                        self.env._(
                            "Nothing has changed in the books for %(statement)s since it was made: a new "
                            "revision would say the same. Correct the books first (a credit note, a payment "
                            "allocation...), then make the new revision.",
                            statement=statement.display_name,
                        )
                    )

    def _snapshot(self):
        """What the statement says: its documents {move: (name, amount, open amount)}, opening and closing."""
        self.ensure_one()
        return {
            "lines": {
                line.move_id.id: (line.name, line.amount, line.open_amount) for line in self.line_ids if line.move_id
            },
            "opening": self.opening_balance,
            "closing": self.closing_balance,
        }

    def _same_snapshot(self, first, second):
        """Whether two snapshots say the same, amounts compared at the currency's precision."""

        def rounded(snapshot):
            round_ = self.currency_id.round
            return (
                {
                    move: (name, round_(amount), round_(open_amount))
                    for move, (name, amount, open_amount) in snapshot["lines"].items()
                },
                round_(snapshot["opening"]),
                round_(snapshot["closing"]),
            )

        return rounded(first) == rounded(second)

    def _compare_lines(self, before):
        """The statement's documents against ``before`` (a `_snapshot`): (lines added, [(line, what
        it was)] changed, [what it was] removed)."""
        self.ensure_one()
        currency = self.currency_id
        added, changed = self.line_ids.browse(), []
        for line in self.line_ids.filtered("move_id"):
            old = before["lines"].get(line.move_id.id)
            if old is None:
                added |= line
            elif currency.compare_amounts(old[1], line.amount) or currency.compare_amounts(old[2], line.open_amount):
                changed.append((line, old))
        removed = [old for move_id, old in before["lines"].items() if move_id not in self.line_ids.move_id.ids]
        return added, changed, removed

    def _mark_revision_changes(self):
        """Highlight on revisions the lines added or changed since the revision each replaces
        (again after every regeneration, which makes the lines anew)."""
        for revision in self:
            added, changed, _removed = revision._compare_lines(revision.previous_revision_id._snapshot())
            added.sudo().revision_change = "added"
            revision.line_ids.browse([line.id for line, _old in changed]).sudo().revision_change = "changed"

    def _note_changes(self, before):
        """Tell the chatter what was added, changed and removed since ``before`` (a `_snapshot`).

        :return: whether anything changed
        """
        currency = self.currency_id
        added, changed, removed = self._compare_lines(before)
        if not (added or changed or removed or currency.compare_amounts(before["closing"], self.closing_balance)):
            return False

        def amount(value):
            return format_amount(self.env, value, currency)

        items = [
            self.env._("Added: %(document)s, %(amount)s", document=line.name, amount=amount(line.amount))
            for line in added
        ]
        items += [
            self.env._(
                "Changed: %(document)s, %(old)s → %(new)s, open %(old_open)s → %(new_open)s",
                document=line.name,
                old=amount(old[1]),
                new=amount(line.amount),
                old_open=amount(old[2]),
                new_open=amount(line.open_amount),
            )
            for line, old in changed
        ]
        items += [
            self.env._("Removed: %(document)s, %(amount)s", document=old[0], amount=amount(old[1])) for old in removed
        ]
        title = self.env._(
            "What changed: closing balance %(old)s → %(new)s.",
            old=amount(before["closing"]),
            new=amount(self.closing_balance),
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (title, Markup().join(Markup("<li>%s</li>") % item for item in items)),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _earlier_revision_messages(self):
        """What the customer and we wrote about the revisions this one replaces (the dispute and its
        answer), newest first: the portal shows them under the current revision."""
        self.ensure_one()
        earlier = self.browse()
        revision = self.previous_revision_id
        while revision:
            earlier |= revision
            revision = revision.previous_revision_id
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", earlier.ids),
                    ("message_type", "in", ("comment", "email")),
                    ("subtype_id.internal", "=", False),
                ],
                order="date desc, id desc",
            )
        )

    def _latest_revision(self):
        """The revision that replaced this one, and so on: the statement as it stands now."""
        self.ensure_one()
        latest = self
        while latest.superseded_by_id:
            latest = latest.superseded_by_id
        return latest
