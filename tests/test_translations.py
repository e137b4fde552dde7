"""Every label a Chinese user sees from our modules is Chinese: field labels, help texts and
selection values (fields_get), the text of our views and templates, activity types and mail
templates, compared in English and in Chinese as Odoo serves them."""

import re

from lxml import etree

from odoo.tests import TransactionCase, tagged

MODULES = (
    "monthly_settlement",
    "monthly_settlement_reports",
    "monthly_settlement_sale",
    "monthly_settlement_audit",
    "monthly_settlement_month_end",
    "monthly_settlement_month_end_sale",
)
# Words that stay as they are in Chinese.
UNTRANSLATED_OK = {"PDF", "XLSX", "DSO", "DSO (days)", "IP", "QR", "ST/2026/00001", "CNY", "USD", "%", "-", "/"}
LATIN = re.compile("[A-Za-z]{2,}")
CHINESE = re.compile("[\u4e00-\u9fff]")
VIEW_ATTRIBUTES = ("string", "help", "placeholder", "confirm", "title", "aria-label", "sum")


@tagged("post_install", "-at_install")
class TestChineseLabels(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")

    def _ours(self, model):
        return self.env["ir.model.data"].search([("model", "=", model), ("module", "in", MODULES)])

    def _untranslated(self, english, chinese):
        english = (english or "").strip()
        return (
            bool(LATIN.search(english))
            and not CHINESE.search(english)
            and english == (chinese or "").strip()
            and english not in UNTRANSLATED_OK
        )

    def test_fields(self):
        missing = []
        for field in self.env["ir.model.fields"].browse(self._ours("ir.model.fields").mapped("res_id")):
            model = self.env.get(field.model)
            if model is None or field.name not in model._fields or model._fields[field.name]._module not in MODULES:
                continue  # fields our models inherit from Odoo's mixins are Odoo's to translate
            described = {
                lang: model.with_context(lang=lang).fields_get([field.name], ["string", "help", "selection"])[
                    field.name
                ]
                for lang in ("en_US", "zh_CN")
            }
            for attribute in ("string", "help"):
                if self._untranslated(described["en_US"].get(attribute), described["zh_CN"].get(attribute)):
                    missing.append(f"{field.model}.{field.name} {attribute}: {described['en_US'][attribute]}")
            for (value, english), (_value, chinese) in zip(
                described["en_US"].get("selection") or [], described["zh_CN"].get("selection") or [], strict=True
            ):
                if self._untranslated(english, chinese):
                    missing.append(f"{field.model}.{field.name} = {value}: {english}")
        self.assertFalse(missing, "\n".join(missing))

    def _texts(self, arch):
        """Text and labelling attributes of a view, in document order."""
        root = etree.fromstring(arch)
        texts = []
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            texts += [node.get(attribute) for attribute in VIEW_ATTRIBUTES if node.get(attribute)]
            own_text = node.text if node.tag not in ("style", "script") else None
            texts += [text for text in (own_text, node.tail) if text and text.strip()]
        return texts

    def test_views_and_templates(self):
        missing = []
        for view in self.env["ir.ui.view"].browse(self._ours("ir.ui.view").mapped("res_id")):
            english = self._texts(view.with_context(lang="en_US").arch_db)
            chinese = self._texts(view.with_context(lang="zh_CN").arch_db)
            self.assertEqual(len(english), len(chinese), view.xml_id)
            missing += [
                f"{view.xml_id}: {text.strip()}"
                for text, other in zip(english, chinese, strict=True)
                if self._untranslated(text, other)
            ]
        self.assertFalse(missing, "\n".join(missing))

    def test_activity_types_and_mail_templates(self):
        missing = []
        for activity_type in self.env["mail.activity.type"].browse(self._ours("mail.activity.type").mapped("res_id")):
            for field in ("name", "summary"):
                english = activity_type.with_context(lang="en_US")[field]
                if self._untranslated(english, activity_type.with_context(lang="zh_CN")[field]):
                    missing.append(f"{activity_type.name} {field}: {english}")
        for template in self.env["mail.template"].browse(self._ours("mail.template").mapped("res_id")):
            for field in ("subject", "body_html"):
                english = template.with_context(lang="en_US")[field]
                if self._untranslated(str(english), str(template.with_context(lang="zh_CN")[field])):
                    missing.append(f"{template.name} {field}")
        self.assertFalse(missing, "\n".join(missing))
