"""Amounts in Chinese capitals (大写金额) as written on Chinese financial documents.

12,345.67 -> 人民币壹万贰仟叁佰肆拾伍元陆角柒分; 10,000.00 -> 人民币壹万元整;
100,000.10 -> 人民币壹拾万元零壹角; negative amounts start with 负.
"""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _integer_in_capitals(number):
    """Capitals of a non-negative integer: 4-digit groups, one 零 per run of zeros."""
    if number == 0:
        return DIGITS[0]
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        group_text = ""
        digits = f"{group:04d}"
        for position, digit in enumerate(digits):
            value = int(digit)
            if value == 0:
                pending_zero = pending_zero or bool(text or group_text)
                continue
            if pending_zero:
                group_text += DIGITS[0]
                pending_zero = False
            group_text += DIGITS[value] + SMALL_UNITS[3 - position]
        text += group_text + GROUP_UNITS[index]
        pending_zero = False
    return text


def amount_in_chinese_capitals(amount, prefix="人民币"):
    """``amount`` (a number) rounded to the fen, in capitals, with the currency prefix."""
    fen_total = int((Decimal(str(amount)).copy_abs() * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    sign = "负" if amount < 0 and fen_total else ""
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if not cents:
        return f"{prefix}{sign}{_integer_in_capitals(yuan)}元整"
    text = f"{_integer_in_capitals(yuan)}元" if yuan else ""
    if jiao:
        text += ("零" if yuan and yuan % 10 == 0 else "") + f"{DIGITS[jiao]}角"
    elif yuan:
        text += "零"
    if fen:
        text += f"{DIGITS[fen]}分"
    return f"{prefix}{sign}{text}"
