"""Who may do what in monthly settlement: the one definition of the groups' levels.

The groups form one chain (auditor < user < reviewer < manager), each implying the one before,
so "at least a reviewer" is membership of the reviewer group.
"""

from odoo.exceptions import AccessError

SETTLEMENT_GROUPS = {
    "auditor": "monthly_settlement.group_settlement_auditor",
    "user": "monthly_settlement.group_settlement_user",
    "reviewer": "monthly_settlement.group_settlement_reviewer",
    "manager": "monthly_settlement.group_settlement_manager",
}


def has_settlement_group(env, level):
    """Whether the environment's user is at least ``level``; superuser environments are."""
    return env.su or env.user.has_group(SETTLEMENT_GROUPS[level])


def check_settlement_group(env, level, message=None):
    """Refuse with an AccessError (``message``, or one naming the group) unless the environment's
    user is at least ``level``."""
    if not has_settlement_group(env, level):
        group = env.ref(SETTLEMENT_GROUPS[level])
        raise AccessError(message or env._("Only members of “%(group)s” may do this.", group=group.display_name))
