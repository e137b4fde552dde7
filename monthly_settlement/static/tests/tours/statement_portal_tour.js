import { registry } from "@web/core/registry";

// Data comes from tests/test_portal_tour.py: the tours start on the link of the statement email.

registry.category("web_tour.tours").add("monthly_settlement_portal_dispute", {
    steps: () => [
        {
            content: "Open the dispute form",
            trigger: ".o_statement_dispute_button",
            run: "click",
        },
        {
            content: "Flag the invoice line",
            trigger: ".o_statement_lines tbody input[type=checkbox][name^=dispute_line_]:visible",
            run: "check",
        },
        {
            content: "Say what is wrong with the line",
            trigger: ".o_statement_lines tbody input[type=text][name^=comment_line_]:visible",
            run: "edit 数量不对，应为 8 件",
        },
        {
            content: "Overall comment",
            trigger: "textarea[name=comment]:visible",
            run: "edit 请按实际收货数量更正",
        },
        {
            content: "Send the dispute",
            trigger: ".o_statement_dispute_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The statement shows as disputed, with the flagged line",
            trigger: ".o_statement_disputed_notice:contains(请按实际收货数量更正)",
        },
        {
            trigger: ".o_statement_lines tr.table-warning:contains(数量不对，应为 8 件)",
        },
    ],
});

registry.category("web_tour.tours").add("monthly_settlement_portal_confirm", {
    steps: () => [
        {
            content: "Open the confirmation dialog",
            trigger: ".o_statement_confirm_button",
            run: "click",
        },
        {
            content: "Type the name",
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit 王芳",
        },
        {
            content: "The name is drawn as signature",
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "Confirm",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The statement shows as confirmed by that name",
            trigger: ".o_statement_confirmed_notice:contains(王芳)",
        },
    ],
});

registry.category("web_tour.tours").add("monthly_settlement_portal_answer", {
    steps: () => [
        {
            content: "The accountant's answer to the dispute shows in the communication history",
            // Odoo's portal chatter renders in a shadow root.
            trigger: "#statement_communication #chatterRoot:shadow .o-mail-Message:contains(已核实，第二版对账单已更正)",
        },
    ],
});
