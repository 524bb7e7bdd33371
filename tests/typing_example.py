"""The README's builder example, type-checked by tests/test_builders.py."""

from datetime import datetime

import sir_format
from sir_format import builders as b
from sir_format.models import Ankomstvag, UtskrivenTill, Vardtyp

report = b.report(
    b.header(
        hsa_id="SE2321000131-IM02",
        avdelningsnamn="IMA Medicin Exempelsjukhuset",
        system="ExempelJournal",
        version="2025.1",
    ),
    b.episode(
        b.grunddata(
            personnummer="194809224464",
            vardtyp=Vardtyp.IMA,
            inskrivningstid=datetime(2025, 5, 12, 8, 15),
            utskrivningstid=datetime(2025, 5, 13, 15, 30),
            ankomstvag=Ankomstvag.AKUTMOTTAGNING,
            utskriven_till=UtskrivenTill.VARDAVDELNING,
        ),
        b.diagnoses("J44.1"),
        atgarder=b.actions(b.action("DG023", datetime(2025, 5, 12, 8, 40))),
    ),
)
xml: bytes = sir_format.to_xml(report)
