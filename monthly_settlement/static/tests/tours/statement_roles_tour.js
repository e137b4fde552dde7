import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { inputFiles } from "@web/../tests/utils";

// Data comes from monthly_settlement/tests/test_roles_tours.py: each tour is one role's day, in
// the Chinese interface, in Odoo's test browser (1366 px wide).

/** The amount columns of the statement's lines are on screen, without scrolling sideways. */
function amountsVisible() {
    return {
        content: "Debit, credit, balance and open amount fit on the screen",
        trigger: ".o_form_view .o_field_one2many[name=line_ids] th[data-name=open_amount]",
        run() {
            for (const name of ["debit", "credit", "balance", "open_amount"]) {
                const header = document.querySelector(
                    `.o_form_view .o_field_one2many[name=line_ids] th[data-name=${name}]`
                );
                const box = header.getBoundingClientRect();
                if (box.width < 60 || box.right > window.innerWidth) {
                    throw new Error(`column ${name} is not fully visible: ${box.left}-${box.right} of ${window.innerWidth}`);
                }
            }
        },
    };
}

/** In the answer dialog: who called, received by phone (also the delivery statements' tour). */
export function answeredByPhone(name) {
    return [
        {
            content: "Who called",
            trigger: ".modal .o_field_widget[name=answered_by] input",
            run: `edit ${name}`,
        },
        {
            content: "Received by",
            trigger: ".modal .o_field_widget[name=channel] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "Phone",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains(电话)",
            run: "click",
        },
    ];
}

function state(value) {
    return {
        content: `The statement is ${value}`,
        trigger: `.o_form_view .o_statusbar_status button[data-value=${value}].o_arrow_button_current`,
    };
}

registry.category("web_tour.tours").add("monthly_settlement_reviewer_rejects", {
    steps: () => [
        state("to_review"),
        amountsVisible(),
        {
            content: "Reject",
            trigger: ".o_statusbar_buttons button[name=action_reject]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit 工业控制板卡的单价与合同不一致",
        },
        {
            content: "Confirm the rejection",
            trigger: ".modal footer button[name=action_reject]",
            run: "click",
        },
        state("draft"),
        {
            content: "The reason shows on the statement",
            trigger: ".o_form_view .alert-warning:contains(工业控制板卡的单价与合同不一致)",
        },
    ],
});

registry.category("web_tour.tours").add("monthly_settlement_reviewer_approves_and_sends", {
    steps: () => [
        state("to_review"),
        {
            content: "Approve",
            trigger: ".o_statusbar_buttons button[name=action_approve]",
            run: "click",
        },
        state("approved"),
        {
            content: "Send by Email",
            trigger: ".o_statusbar_buttons button[name=action_send]",
            run: "click",
        },
        {
            content: "The preview shows the email",
            trigger: ".modal .o_field_widget[name=subject] input",
        },
        {
            content: "Send",
            trigger: ".modal footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The email is on its way: it is not offered again",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_send]))",
        },
    ],
});

registry.category("web_tour.tours").add("monthly_settlement_reviewer_records_a_phone_dispute", {
    steps: () => [
        state("sent"),
        {
            content: "Customer Disputes",
            trigger: ".o_statusbar_buttons button[name=action_customer_disputed]",
            run: "click",
        },
        ...answeredByPhone("采购 王芳"),
        {
            content: "Flag the first document",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:first .o_field_boolean_toggle input",
            run: "click",
        },
        {
            content: "The customer's comment on it",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:first td[name=comment]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:first .o_field_widget[name=comment] input",
            run: "edit 数量应为 8 件",
        },
        {
            content: "Record",
            trigger: ".modal footer button[name=action_record]",
            run: "click",
        },
        state("disputed"),
        {
            content: "The flagged line carries the comment",
            trigger: ".o_form_view .o_field_one2many[name=line_ids] .o_data_row:contains(数量应为 8 件)",
        },
    ],
});

registry.category("web_tour.tours").add("monthly_settlement_reviewer_records_a_stamped_confirmation", {
    steps: () => [
        state("sent"),
        {
            content: "Customer Confirmed",
            trigger: ".o_statusbar_buttons button[name=action_customer_confirmed]",
            run: "click",
        },
        {
            content: "Who confirmed",
            trigger: ".modal .o_field_widget[name=answered_by] input",
            run: "edit 周丽（应付会计）",
        },
        {
            content: "Received by",
            trigger: ".modal .o_field_widget[name=channel] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "A stamped copy",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains(盖章回执)",
            run: "click",
        },
        {
            content: "Attach the scan of the stamped statement",
            trigger: ".modal .o_field_widget[name=attachment]",
            async run() {
                const scan = new File(["%PDF-1.4 stamped"], "对账单回执.pdf", { type: "application/pdf" });
                await inputFiles(".modal .o_field_widget[name=attachment] input[type=file]", [scan]);
            },
        },
        {
            content: "The scan is attached",
            trigger: ".modal .o_field_widget[name=attachment] .o_clear_file_button",
        },
        {
            content: "Record",
            trigger: ".modal footer button[name=action_record]",
            run: "click",
        },
        state("confirmed"),
    ],
});

registry.category("web_tour.tours").add("monthly_settlement_auditor_browses", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "The auditor has the Invoicing app",
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            content: "Customers",
            trigger: ".dropdown-toggle[data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "Customer Statements",
            trigger: ".dropdown-item[data-menu-xmlid='monthly_settlement.menu_monthly_settlement_statements']",
            run: "click",
        },
        {
            content: "Open a statement",
            trigger: ".o_list_view .o_data_row:first .o_data_cell[name=partner_id]",
            run: "click",
        },
        amountsVisible(),
        {
            content: "Nothing to click that would change it",
            trigger: ".o_form_view .o_form_statusbar",
            run() {
                const buttons = document.querySelectorAll(".o_form_view .o_statusbar_buttons button");
                if (buttons.length) {
                    throw new Error(`the auditor is offered ${[...buttons].map((button) => button.name)}`);
                }
            },
        },
        {
            // The paperclip opens the files once they are loaded (it shows their count); before,
            // a click does nothing.
            content: "Open the statement's files",
            trigger: ".o-mail-Chatter .o-mail-Chatter-attachFiles:has(sup)",
            run: "click",
        },
        {
            content: "The customer's document is there, with nothing to delete it",
            trigger: ".o-mail-Chatter .o-mail-AttachmentList:contains(回执.pdf)",
            run() {
                if (document.querySelector(".o-mail-Chatter .o-mail-Attachment-unlink")) {
                    throw new Error("the auditor is offered to delete a file of the statement");
                }
            },
        },
        {
            content: "The chatter shows the history, with no activity to schedule",
            trigger: ".o-mail-Chatter .o-mail-Message",
            run() {
                if (document.querySelector(".o-mail-Chatter-activity")) {
                    throw new Error("the auditor is offered to schedule an activity");
                }
            },
        },
    ],
});
