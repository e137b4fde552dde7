from odoo.tests import BaseCase, tagged

from ..tools.chinese_amount import amount_in_chinese_capitals


@tagged("post_install", "-at_install")
class TestChineseAmount(BaseCase):
    def test_capitals(self):
        cases = {
            0: "人民币零元整",
            0.05: "人民币伍分",
            0.50: "人民币伍角",
            10.00: "人民币壹拾元整",
            10.05: "人民币壹拾元零伍分",
            1_000_000.00: "人民币壹佰万元整",
            100_000_000.01: "人民币壹亿元零壹分",
            12_345.67: "人民币壹万贰仟叁佰肆拾伍元陆角柒分",
            10_000.00: "人民币壹万元整",
            100_000.10: "人民币壹拾万元零壹角",
            105_000: "人民币壹拾万伍仟元整",
            100_100: "人民币壹拾万零壹佰元整",
            1_010: "人民币壹仟零壹拾元整",
            100_005_000: "人民币壹亿零伍仟元整",
            -1_234.50: "人民币负壹仟贰佰叁拾肆元伍角",
            -0.05: "人民币负伍分",
            -0.001: "人民币零元整",
            0.005: "人民币壹分",
        }
        for amount, expected in cases.items():
            with self.subTest(amount=amount):
                self.assertEqual(amount_in_chinese_capitals(amount), expected)
