"""An invented wire story, a newspaper rewrite of it and an unrelated court story.

Written for the tests (names, places and outlets are made up). The rewrite keeps three of the
wire's sentences word for word, rewords the rest and adds its own, the way a paper rewrites a
news agency's copy: the 5-word shingles it shares are far below the clustering rule.
"""

from __future__ import annotations

WIRE = """\
A former harbour master was jailed for six years today for stealing pension money from \
dock workers in Port Calloway.

Ivor Tamblyn, 58, took more than 400,000 pounds from the fund over nine years, Brindle Crown \
Court heard.

The court was told he spent the money on racehorses, a villa near Alvarada and a collection \
of vintage motorcycles.

Judge Petra Okonkwo said he had betrayed men who trusted him with their savings.

Tamblyn, of Quayside Terrace, admitted twelve counts of theft at an earlier hearing.

Prosecutor Daniel Feld said the losses came to light when a retired crane driver asked why \
his statement had not arrived.

The Calloway Dock Workers' Pension Trust has since repaid every member from its reserves.

A spokesman for the trust said the members were relieved that the case was over.
"""

REWRITE = """\
Greedy dock boss jailed over pension raid

A harbour chief who raided his own workers' pension pot to fund a playboy lifestyle of \
racehorses and classic bikes was behind bars last night.

Ivor Tamblyn, 58, took more than 400,000 pounds from the fund over nine years, Brindle Crown \
Court heard.

The disgraced official splashed out on a Spanish-style villa near Alvarada while his \
colleagues believed their savings were safe.

Judge Petra Okonkwo said he had betrayed men who trusted him with their savings.

She handed him six years.

The fraud unravelled when a retired crane driver wondered why no statement had come through \
the letterbox, prosecutor Daniel Feld told the court.

The Calloway Dock Workers' Pension Trust has since repaid every member from its reserves.

One former docker said last night: "We worked our whole lives for that money."
"""

OTHER = """\
A delivery driver was cleared today of causing the death of a cyclist on a rural road near \
Fennick Cross.

Jurors at Hallam Crown Court took less than two hours to find Marcus Oduya, 34, not guilty.

The court heard that the cyclist had no lights and was riding in the middle of the lane after \
dark.

Mr Oduya said outside court that he thought about the family every day.

The cyclist's sister said the family would ask the council to put street lights on the road.
"""
