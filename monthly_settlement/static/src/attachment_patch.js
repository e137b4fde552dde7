import { Attachment } from "@mail/core/common/attachment_model";
import { patch } from "@web/core/utils/patch";

// Who may not change a statement may not delete its files either (the server refuses it): no
// trash icon on a statement's files for them, rather than one that ends in an error.
patch(Attachment.prototype, {
    get isDeletable() {
        if (this.thread?.model === "monthly.settlement.statement" && this.thread.hasWriteAccess === false) {
            return false;
        }
        return super.isDeletable;
    },
});
