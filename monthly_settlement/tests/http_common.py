"""Tests that talk to Odoo as its users do: logged in over HTTP, with the requests the web client
(or an integrator's JSON-RPC client) sends, never as superuser in-process.

Errors come back as the web client receives them (exception class and the translated message
the user reads), so a test can check both.
"""

from urllib.parse import urljoin

from odoo.tests import HttpCase


class RpcError(Exception):
    """An error answered by Odoo over JSON-RPC: ``name`` is the exception class
    (e.g. ``odoo.exceptions.AccessError``), ``message`` what the user reads."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


class WebClientCase(HttpCase):
    """HttpCase with the web client's calls: buttons, ORM methods and portal JSON routes,
    in the context the web client sends (the user's language, time zone and current company)."""

    web_user = None

    def web_login(self, user):
        """Log in through /web/login with the user's password (tests create users with password = login)."""
        self.authenticate(user.login, user.login)
        self.web_user = user
        return user

    def web_context(self, **extra):
        user = self.web_user
        return {
            "lang": user.lang or "en_US",
            "tz": user.tz or "Asia/Shanghai",
            "uid": user.id,
            "allowed_company_ids": [user.company_id.id],
            **extra,
        }

    def rpc(self, route, params=None):
        """POST a JSON-RPC call; return its result or raise `RpcError`."""
        response = self.opener.post(
            urljoin(self.base_url(), route),
            json={"id": 0, "jsonrpc": "2.0", "method": "call", "params": params or {}},
            timeout=60,
        )
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            data = answer["error"].get("data") or {}
            raise RpcError(data.get("name", ""), data.get("message") or answer["error"].get("message", ""))
        return answer.get("result")

    def call_kw(self, model, method, args, kwargs=None, context=None):
        """What the web client sends for an ORM call (search, read, write, create...)."""
        kwargs = dict(kwargs or {}, context=context or self.web_context())
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def call_button(self, records, method, context=None):
        """What the web client sends when the user clicks a button of type object."""
        return self.rpc(
            f"/web/dataset/call_button/{records._name}/{method}",
            {
                "model": records._name,
                "method": method,
                "args": [records.ids],
                "kwargs": {"context": context or self.web_context()},
            },
        )

    def open_dialog(self, action, fields):
        """What the web client does to show a dialog action (act_window, target new) on a new
        record: ``onchange`` in the action's context. Returns the values the dialog shows."""
        context = self.web_context(**action.get("context", {}))
        result = self.call_kw(action["res_model"], "onchange", [[], {}, [], fields], context=context)
        return result["value"]

    def save_dialog_and_click(self, action, values, button):
        """The dialog's button: the web client saves the new record (``web_save``), then calls
        the button on it, in the action's context. Returns the button's result."""
        context = self.web_context(**action.get("context", {}))
        [record] = self.call_kw(
            action["res_model"], "web_save", [[], values], {"specification": {"id": {}}}, context=context
        )
        return self.call_button(self.env[action["res_model"]].browse(record["id"]), button, context=context)
