from . import test_chinese_amount
from . import test_statement_pdf
from . import test_statement_xlsx
from . import test_sent_files
from . import test_statement_pdf_batch
