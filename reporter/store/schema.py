"""The database schema as numbered migrations, applied in order at start-up.

Tables and columns are named for people who open the file with other tools.
Money is integer cents (`*_cents`); percentages and exchange rates are exact
decimal text; dates are ISO text (YYYY-MM-DD).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATION_SET = "grant_reporter"
migrations = Migrations(MIGRATION_SET)


def _run(db: Database, statements: str) -> None:
    """Run statements one by one: `executescript` would commit mid-migration."""
    for statement in statements.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0001_core_schema")
def core_schema(db: Database) -> None:
    _run(db, """
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
    title TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    template TEXT NOT NULL,
    contract_number TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    code TEXT NOT NULL CHECK (code <> ''),
    name TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('lead', 'partner')),
    vat_recoverable INTEGER NOT NULL CHECK (vat_recoverable IN (0, 1)),
    position INTEGER NOT NULL,
    UNIQUE (project_id, code)
);
CREATE TABLE funders (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    code TEXT NOT NULL CHECK (code <> ''),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('eu', 'state', 'municipality', 'foundation', 'own', 'sponsor', 'other')),
    position INTEGER NOT NULL,
    UNIQUE (project_id, code)
);
CREATE TABLE budget_lines (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    code TEXT NOT NULL CHECK (code <> ''),
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (project_id, code)
);
CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    code TEXT NOT NULL CHECK (code <> ''),
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (project_id, code)
);
CREATE TABLE activity_plan (
    id TEXT PRIMARY KEY,
    activity_id TEXT NOT NULL REFERENCES activities(id),
    year INTEGER NOT NULL,
    funder_id TEXT REFERENCES funders(id),
    amount_cents INTEGER NOT NULL,
    position INTEGER NOT NULL
);
CREATE UNIQUE INDEX activity_plan_key ON activity_plan (activity_id, year, coalesce(funder_id, ''));
CREATE TABLE funding_agreements (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    partner_id TEXT REFERENCES partners(id),
    funder_id TEXT NOT NULL REFERENCES funders(id),
    share_percent TEXT NOT NULL,
    rule TEXT NOT NULL CHECK (rule IN ('exact', 'max', 'min')),
    rounding TEXT NOT NULL CHECK (rounding IN ('down', 'half-up')),
    is_residual INTEGER NOT NULL CHECK (is_residual IN (0, 1)),
    cap_cents INTEGER CHECK (cap_cents IS NULL OR cap_cents >= 0),
    contract_number TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);
CREATE UNIQUE INDEX funding_agreements_key ON funding_agreements (project_id, coalesce(partner_id, ''), funder_id);
CREATE TABLE funding_agreement_lines (
    funding_agreement_id TEXT NOT NULL REFERENCES funding_agreements(id) ON DELETE CASCADE,
    budget_line_id TEXT NOT NULL REFERENCES budget_lines(id),
    PRIMARY KEY (funding_agreement_id, budget_line_id)
);
CREATE TABLE budgets (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    partner_id TEXT NOT NULL REFERENCES partners(id),
    budget_line_id TEXT NOT NULL REFERENCES budget_lines(id),
    year INTEGER,
    activity_id TEXT REFERENCES activities(id),
    amount_cents INTEGER NOT NULL,
    position INTEGER NOT NULL
);
CREATE UNIQUE INDEX budgets_key ON budgets (partner_id, budget_line_id, coalesce(year, 0), coalesce(activity_id, ''));
CREATE TABLE reporting_periods (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    number INTEGER NOT NULL CHECK (number >= 1),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted')),
    submitted_at TEXT,
    UNIQUE (project_id, number),
    CHECK (end_date >= start_date)
);
CREATE TABLE exchange_rates (
    currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    rate TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (currency, month)
);
CREATE TABLE expenditures (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    number INTEGER NOT NULL,
    partner_id TEXT NOT NULL REFERENCES partners(id),
    budget_line_id TEXT NOT NULL REFERENCES budget_lines(id),
    activity_id TEXT REFERENCES activities(id),
    period_id TEXT NOT NULL REFERENCES reporting_periods(id),
    document_date TEXT NOT NULL,
    document_no TEXT NOT NULL,
    supplier TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    gross_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL DEFAULT 0,
    eligible_cents INTEGER NOT NULL,
    exchange_rate TEXT,
    eligible_project_currency_cents INTEGER NOT NULL,
    payment_date TEXT,
    attachments TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attachments)),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, number),
    CHECK (abs(vat_cents) <= abs(gross_cents) AND abs(eligible_cents) <= abs(gross_cents))
);
CREATE INDEX expenditures_by_partner ON expenditures (project_id, partner_id, period_id);
CREATE INDEX expenditures_by_line ON expenditures (project_id, budget_line_id);
CREATE INDEX expenditures_by_period ON expenditures (period_id);
CREATE INDEX expenditures_by_date ON expenditures (project_id, document_date);
CREATE INDEX expenditures_by_document ON expenditures (project_id, supplier, document_no);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    changed_at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    old_values TEXT CHECK (old_values IS NULL OR json_valid(old_values)),
    new_values TEXT CHECK (new_values IS NULL OR json_valid(new_values))
);
CREATE INDEX audit_log_by_record ON audit_log (table_name, record_id)
""")


@migrations(name="0002_contract_rules")
def contract_rules(db: Database) -> None:
    """What the contract checks need: project rules, agreement terms, units, VAT and document keys."""
    from decimal import Decimal

    from reporter.domain.money import from_cents, round_half_up, to_cents
    from reporter.domain.text import document_key, search_text
    from reporter.domain.validation import vat_within_eligible

    _run(db, """
ALTER TABLE projects ADD COLUMN rules TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(rules));
ALTER TABLE funding_agreements ADD COLUMN eligible_from TEXT;
ALTER TABLE funding_agreements ADD COLUMN eligible_to TEXT;
ALTER TABLE funding_agreements ADD COLUMN vat_eligible INTEGER NOT NULL DEFAULT 1 CHECK (vat_eligible IN (0, 1));
ALTER TABLE funding_agreements ADD COLUMN part_of_funder_id TEXT REFERENCES funders(id);
ALTER TABLE reporting_periods ADD COLUMN status_note TEXT NOT NULL DEFAULT '';
ALTER TABLE expenditures ADD COLUMN units TEXT;
ALTER TABLE expenditures ADD COLUMN eligible_vat_project_currency_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE expenditures ADD COLUMN document_key TEXT NOT NULL DEFAULT '';
ALTER TABLE expenditures ADD COLUMN search_text TEXT NOT NULL DEFAULT ''
""")
    rows = db.execute("SELECT id, supplier, document_no, description, gross_cents, vat_cents, eligible_cents, "
                      "eligible_project_currency_cents FROM expenditures").fetchall()
    for expenditure_id, supplier, number, description, gross, vat, eligible, eligible_project in rows:
        vat_part = vat_within_eligible(from_cents(gross), from_cents(vat), from_cents(eligible))
        # Scale the VAT by the conversion the row already made, to the cent.
        vat_project = vat_part if eligible == eligible_project or eligible == 0 else (
            round_half_up(vat_part * Decimal(eligible_project) / Decimal(eligible)))
        db.execute("UPDATE expenditures SET eligible_vat_project_currency_cents = ?, document_key = ?, search_text = ? "
                   "WHERE id = ?", [to_cents(vat_project), document_key(supplier, number),
                                    search_text(supplier, number, description), expenditure_id])
    # Indexes that keep the contract checks and the sorted list fast with 100 000 expenditures.
    _run(db, """
CREATE INDEX expenditures_by_document_key ON expenditures (document_key);
DROP INDEX expenditures_by_period;
CREATE INDEX expenditures_by_period ON expenditures (period_id, document_date);
CREATE INDEX expenditures_by_change ON expenditures (period_id, updated_at);
CREATE INDEX expenditures_by_payment ON expenditures (project_id, payment_date);
CREATE INDEX expenditures_by_currency ON expenditures (project_id, currency);
CREATE INDEX expenditures_by_amount ON expenditures (project_id, eligible_project_currency_cents, number);
CREATE INDEX expenditures_by_supplier ON expenditures (project_id, supplier COLLATE NOCASE, number);
DROP INDEX expenditures_by_date;
CREATE INDEX expenditures_by_date ON expenditures (project_id, document_date, number);
CREATE INDEX expenditures_for_sums ON expenditures (project_id, partner_id, period_id, budget_line_id,
    eligible_project_currency_cents, eligible_vat_project_currency_cents)
""")


@migrations(name="0003_reports")
def reports(db: Database) -> None:
    """Pre-financing for the payment position, and the snapshots that submitted reports are rebuilt from."""
    _run(db, """
ALTER TABLE funding_agreements ADD COLUMN prefinancing_cents INTEGER CHECK (prefinancing_cents IS NULL OR prefinancing_cents >= 0);
CREATE TABLE report_snapshots (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    period_id TEXT NOT NULL REFERENCES reporting_periods(id),
    partner_id TEXT REFERENCES partners(id),
    template TEXT NOT NULL,
    lang TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX report_snapshots_key ON report_snapshots (period_id, coalesce(partner_id, ''), template, lang);
CREATE TABLE report_files (
    snapshot_id TEXT NOT NULL REFERENCES report_snapshots(id),
    format TEXT NOT NULL CHECK (format IN ('pdf', 'xlsx')),
    sha256 TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, format)
)
""")


@migrations(name="0004_financing_engine")
def financing_engine(db: Database) -> None:
    """Fixed-sum grants, per-agreement rounding basis and activities, named payers, and payments.

    `share_percent` becomes optional (a fixed-sum grant has an amount instead), which SQLite can
    only do by building the table again; its budget lines are kept aside meanwhile, so that
    dropping the old table cascades into nothing.
    """
    _run(db, """
CREATE TABLE agreement_lines_kept AS SELECT * FROM funding_agreement_lines;
DROP TABLE funding_agreement_lines;
CREATE TABLE funding_agreements_new (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    partner_id TEXT REFERENCES partners(id),
    funder_id TEXT NOT NULL REFERENCES funders(id),
    share_percent TEXT,
    amount_cents INTEGER CHECK (amount_cents IS NULL OR amount_cents >= 0),
    rule TEXT NOT NULL CHECK (rule IN ('exact', 'max', 'min')),
    rounding TEXT NOT NULL CHECK (rounding IN ('down', 'half-up')),
    rounding_basis TEXT NOT NULL DEFAULT 'cumulative' CHECK (rounding_basis IN ('cumulative', 'period')),
    is_residual INTEGER NOT NULL CHECK (is_residual IN (0, 1)),
    cap_cents INTEGER CHECK (cap_cents IS NULL OR cap_cents >= 0),
    contract_number TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    eligible_from TEXT,
    eligible_to TEXT,
    vat_eligible INTEGER NOT NULL DEFAULT 1 CHECK (vat_eligible IN (0, 1)),
    part_of_funder_id TEXT REFERENCES funders(id),
    prefinancing_cents INTEGER CHECK (prefinancing_cents IS NULL OR prefinancing_cents >= 0),
    CHECK ((share_percent IS NULL) <> (amount_cents IS NULL))
);
INSERT INTO funding_agreements_new (id, project_id, partner_id, funder_id, share_percent, rule, rounding, is_residual,
    cap_cents, contract_number, position, eligible_from, eligible_to, vat_eligible, part_of_funder_id,
    prefinancing_cents)
SELECT id, project_id, partner_id, funder_id, share_percent, rule, rounding, is_residual, cap_cents, contract_number,
    position, eligible_from, eligible_to, vat_eligible, part_of_funder_id, prefinancing_cents
FROM funding_agreements;
DROP TABLE funding_agreements;
ALTER TABLE funding_agreements_new RENAME TO funding_agreements;
CREATE UNIQUE INDEX funding_agreements_key ON funding_agreements (project_id, coalesce(partner_id, ''), funder_id);
CREATE TABLE funding_agreement_lines (
    funding_agreement_id TEXT NOT NULL REFERENCES funding_agreements(id) ON DELETE CASCADE,
    budget_line_id TEXT NOT NULL REFERENCES budget_lines(id),
    PRIMARY KEY (funding_agreement_id, budget_line_id)
);
INSERT INTO funding_agreement_lines SELECT * FROM agreement_lines_kept;
DROP TABLE agreement_lines_kept;
CREATE TABLE funding_agreement_activities (
    funding_agreement_id TEXT NOT NULL REFERENCES funding_agreements(id) ON DELETE CASCADE,
    activity_id TEXT NOT NULL REFERENCES activities(id),
    PRIMARY KEY (funding_agreement_id, activity_id)
);
CREATE TABLE expenditure_payers (
    expenditure_id TEXT NOT NULL REFERENCES expenditures(id),
    funder_id TEXT NOT NULL REFERENCES funders(id),
    amount_cents INTEGER,
    position INTEGER NOT NULL,
    PRIMARY KEY (expenditure_id, funder_id)
);
CREATE INDEX expenditure_payers_by_funder ON expenditure_payers (funder_id, expenditure_id);
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    funder_id TEXT NOT NULL REFERENCES funders(id),
    partner_id TEXT REFERENCES partners(id),
    payment_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    kind TEXT NOT NULL CHECK (kind IN ('prefinancing', 'interim', 'balance', 'return')),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX payments_by_project ON payments (project_id, funder_id, payment_date)
""")


@migrations(name="0005_contract_terms")
def contract_terms(db: Database) -> None:
    """Rate tables (the band or category a declaration names), documents in a third currency (the project
    currency's rate as well), contributions in kind (the basis of their value, and the agreements that take
    them), plan entries by budget line and partner (a plan kept by line is the budget too), the names of
    budget lines and activities in other languages, and agreements stated in the funder's own currency."""
    _run(db, """
ALTER TABLE expenditures ADD COLUMN rate_name TEXT NOT NULL DEFAULT '';
ALTER TABLE expenditures ADD COLUMN project_rate TEXT;
ALTER TABLE expenditures ADD COLUMN in_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE funding_agreements ADD COLUMN in_kind INTEGER NOT NULL DEFAULT 0 CHECK (in_kind IN (0, 1));
ALTER TABLE funding_agreements ADD COLUMN currency TEXT CHECK (currency IS NULL OR length(currency) = 3);
ALTER TABLE funding_agreements ADD COLUMN rate_month TEXT NOT NULL DEFAULT '';
ALTER TABLE activity_plan ADD COLUMN budget_line_id TEXT REFERENCES budget_lines(id);
ALTER TABLE activity_plan ADD COLUMN partner_id TEXT REFERENCES partners(id);
ALTER TABLE budget_lines ADD COLUMN name_translations TEXT CHECK (name_translations IS NULL OR json_valid(name_translations));
ALTER TABLE activities ADD COLUMN title_translations TEXT CHECK (title_translations IS NULL OR json_valid(title_translations));
DROP INDEX activity_plan_key;
CREATE UNIQUE INDEX activity_plan_key ON activity_plan (activity_id, year, coalesce(funder_id, ''),
    coalesce(budget_line_id, ''), coalesce(partner_id, ''))
""")


@migrations(name="0006_import_references")
def import_references(db: Database) -> None:
    """What accounting exports carry and reports need: the accounting system's reference, the supplier's code."""
    _run(db, """
ALTER TABLE expenditures ADD COLUMN accounting_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE expenditures ADD COLUMN supplier_code TEXT NOT NULL DEFAULT ''
""")


@migrations(name="0007_sub_grants")
def sub_grants(db: Database) -> None:
    """Grants the project passes on to sub-grantees (partners reporting their own costs), and what it pays them."""
    _run(db, """
CREATE TABLE sub_grants (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    partner_id TEXT NOT NULL REFERENCES partners(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    number TEXT NOT NULL DEFAULT '',
    signed_date TEXT,
    position INTEGER NOT NULL,
    UNIQUE (project_id, partner_id)
);
CREATE TABLE sub_grant_payments (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    sub_grant_id TEXT NOT NULL REFERENCES sub_grants(id),
    payment_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    kind TEXT NOT NULL CHECK (kind IN ('advance', 'balance', 'return')),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX sub_grant_payments_by_grant ON sub_grant_payments (sub_grant_id, payment_date)
""")


@migrations(name="0008_funder_names")
def funder_names(db: Database) -> None:
    """A funder's name in other languages (a Latvian report names the ERDF in Latvian)."""
    _run(db, """
ALTER TABLE funders ADD COLUMN name_translations TEXT CHECK (name_translations IS NULL OR json_valid(name_translations))
""")


@migrations(name="0009_tamper_evidence")
def tamper_evidence(db: Database) -> None:
    """A hash chain through the audit log, seals of submitted periods, and triggers against accidental edits."""
    from reporter.store.database import Store
    from reporter.store.integrity import chain_existing_entries, protection_triggers, seal_submitted_periods

    _run(db, """
ALTER TABLE audit_log RENAME TO audit_log_unchained;
DROP INDEX audit_log_by_record;
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    changed_at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'restore')),
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    old_values TEXT CHECK (old_values IS NULL OR json_valid(old_values)),
    new_values TEXT CHECK (new_values IS NULL OR json_valid(new_values)),
    chain_hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_record ON audit_log (table_name, record_id)
""")
    chain_existing_entries(db)
    _run(db, """
DROP TABLE audit_log_unchained;
CREATE TABLE period_seals (
    id TEXT PRIMARY KEY,
    period_id TEXT NOT NULL UNIQUE REFERENCES reporting_periods(id),
    sealed_at TEXT NOT NULL,
    version TEXT NOT NULL,
    expenditures INTEGER NOT NULL,
    expenditures_digest TEXT NOT NULL,
    snapshots_digest TEXT NOT NULL,
    audit_entry INTEGER NOT NULL,
    audit_hash TEXT NOT NULL
);
CREATE TABLE seal_items (
    period_id TEXT NOT NULL REFERENCES period_seals(period_id),
    kind TEXT NOT NULL CHECK (kind IN ('expenditure', 'snapshot')),
    item_id TEXT NOT NULL,
    label TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (period_id, kind, item_id)
)
""")
    seal_submitted_periods(Store(db, None), "v1")  # the columns there are now: a later version seals more
    _run(db, protection_triggers("v1"))


@migrations(name="0010_attachments")
def attachments(db: Database) -> None:
    """The expenditures that keep attachments, found without reading every row (the attachment check runs after
    every save)."""
    _run(db, """
CREATE INDEX expenditures_with_attachments ON expenditures (project_id) WHERE attachments <> '[]'
""")


@migrations(name="0011_explanations")
def explanations(db: Database) -> None:
    """The coordinator's explanations of budget variances, per period, partner (or the whole project) and line."""
    _run(db, """
CREATE TABLE explanations (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    period_id TEXT NOT NULL REFERENCES reporting_periods(id),
    partner_id TEXT REFERENCES partners(id),
    budget_line_id TEXT NOT NULL REFERENCES budget_lines(id),
    text TEXT NOT NULL CHECK (text <> ''),
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX explanations_key ON explanations (period_id, coalesce(partner_id, ''), budget_line_id)
""")


@migrations(name="0012_search_and_check_indexes")
def search_and_check_indexes(db: Database) -> None:
    """What keeps the list's text search and the checks from reading every row.

    The costs the engine takes one by one include the contributions in kind, and the double-claim check groups
    the invoices (not the unit-cost declarations) by document: a partial index holds each of those few rows or
    keys, so that neither is found by reading all.

    A trigram index of the list's search text lets a text search read the matching rows only: FTS5 with the
    trigram tokenizer finds any substring of three characters or more (the search text is folded already: no
    case, no diacritics). Its rows are numbered by `expenditure_search_rows`, whose integer ids stay put whatever
    another tool does to the expenditures' own rowids (VACUUM, a table rebuilt). Triggers keep both in step with
    every insert, edit and delete, by this program or any other; no sealed column is touched.
    """
    _run(db, """
CREATE INDEX expenditures_in_kind ON expenditures (project_id) WHERE in_kind <> '';
CREATE INDEX expenditures_claimed_documents ON expenditures (document_key) WHERE document_key <> '' AND units IS NULL;
CREATE TABLE expenditure_search_rows (
    id INTEGER PRIMARY KEY,
    expenditure_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE expenditure_search USING fts5(search_text, tokenize = 'trigram');
INSERT INTO expenditure_search_rows (expenditure_id) SELECT id FROM expenditures;
INSERT INTO expenditure_search (rowid, search_text)
    SELECT r.id, e.search_text FROM expenditure_search_rows r JOIN expenditures e ON e.id = r.expenditure_id
""")
    row = "(SELECT id FROM expenditure_search_rows WHERE expenditure_id = {})"
    for trigger in (  # each whole: their statements end in ';' inside
        f"""CREATE TRIGGER expenditure_search_insert AFTER INSERT ON expenditures BEGIN
            DELETE FROM expenditure_search WHERE rowid = {row.format("NEW.id")};
            INSERT OR IGNORE INTO expenditure_search_rows (expenditure_id) VALUES (NEW.id);
            INSERT INTO expenditure_search (rowid, search_text) VALUES ({row.format("NEW.id")}, NEW.search_text);
        END""",
        f"""CREATE TRIGGER expenditure_search_update AFTER UPDATE OF id, search_text ON expenditures BEGIN
            UPDATE expenditure_search_rows SET expenditure_id = NEW.id WHERE expenditure_id = OLD.id;
            UPDATE expenditure_search SET search_text = NEW.search_text WHERE rowid = {row.format("NEW.id")};
        END""",
        f"""CREATE TRIGGER expenditure_search_delete AFTER DELETE ON expenditures BEGIN
            DELETE FROM expenditure_search WHERE rowid = {row.format("OLD.id")};
            DELETE FROM expenditure_search_rows WHERE expenditure_id = OLD.id;
        END""",
    ):
        db.execute(trigger)


@migrations(name="0013_partner_report_control")
def partner_report_control(db: Database) -> None:
    """Where each partner's report of a period stands with its first-level controller (submitted, in control,
    certified with the certificate's date and number; no row: a draft), and the legal status a funding agreement
    may give its source of partner contribution (NULL: as the funder's kind says)."""
    _run(db, """
ALTER TABLE funding_agreements ADD COLUMN legal_status TEXT
    CHECK (legal_status IS NULL OR legal_status IN ('public', 'automatic_public', 'private'));
CREATE TABLE partner_report_controls (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    period_id TEXT NOT NULL REFERENCES reporting_periods(id),
    partner_id TEXT NOT NULL REFERENCES partners(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'in_control', 'certified')),
    certified_date TEXT CHECK ((certified_date IS NOT NULL) = (status = 'certified')),
    certificate TEXT NOT NULL DEFAULT '' CHECK (certificate = '' OR status = 'certified'),
    controller TEXT NOT NULL DEFAULT '' CHECK (controller = '' OR status IN ('in_control', 'certified')),
    updated_at TEXT NOT NULL,
    UNIQUE (period_id, partner_id)
)
""")


@migrations(name="0015_interest_and_plan_explanations")
def interest_and_plan_explanations(db: Database) -> None:
    """Interest the bank paid on a grant's money, kept as a payment of its own kind; and explanations of an
    activity's deviation from its plan beside those of a budget line's variance (each explanation is of one or
    the other). SQLite cannot change a table's checks: each table is made again and its rows copied."""
    _run(db, """
CREATE TABLE payments_0015 (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    funder_id TEXT NOT NULL REFERENCES funders(id),
    partner_id TEXT REFERENCES partners(id),
    payment_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    kind TEXT NOT NULL CHECK (kind IN ('prefinancing', 'interim', 'balance', 'return', 'interest')),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
INSERT INTO payments_0015 (id, project_id, funder_id, partner_id, payment_date, amount_cents, kind, note, created_at)
    SELECT id, project_id, funder_id, partner_id, payment_date, amount_cents, kind, note, created_at FROM payments;
DROP TABLE payments;
ALTER TABLE payments_0015 RENAME TO payments;
CREATE INDEX payments_by_project ON payments (project_id, funder_id, payment_date);
CREATE TABLE explanations_0015 (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    period_id TEXT NOT NULL REFERENCES reporting_periods(id),
    partner_id TEXT REFERENCES partners(id),
    budget_line_id TEXT REFERENCES budget_lines(id),
    activity_id TEXT REFERENCES activities(id),
    text TEXT NOT NULL CHECK (text <> ''),
    updated_at TEXT NOT NULL,
    CHECK ((budget_line_id IS NULL) <> (activity_id IS NULL))
);
INSERT INTO explanations_0015 (id, project_id, period_id, partner_id, budget_line_id, text, updated_at)
    SELECT id, project_id, period_id, partner_id, budget_line_id, text, updated_at FROM explanations;
DROP TABLE explanations;
ALTER TABLE explanations_0015 RENAME TO explanations;
CREATE UNIQUE INDEX explanations_key
    ON explanations (period_id, coalesce(partner_id, ''), coalesce(budget_line_id, ''), coalesce(activity_id, ''))
""")


@migrations(name="0016_person_and_travel_details")
def person_and_travel_details(db: Database) -> None:
    """What a culture funder asks of a payment to a natural person (the individual-activity certificate, business
    licence or author's contract it is made under, by its number) and of a trip (its route, first and last day, and
    the persons travelling). Seals made from now on (v2) cover them, and so does the lock of a submitted period's
    rows; the seals made before keep to their own columns (v1)."""
    from reporter.store.integrity import locked_update_trigger

    _run(db, """
ALTER TABLE expenditures ADD COLUMN person_document TEXT NOT NULL DEFAULT '';
ALTER TABLE expenditures ADD COLUMN travel_route TEXT NOT NULL DEFAULT '';
ALTER TABLE expenditures ADD COLUMN travel_from TEXT;
ALTER TABLE expenditures ADD COLUMN travel_to TEXT CHECK (travel_to IS NULL OR travel_to >= travel_from);
ALTER TABLE expenditures ADD COLUMN travellers TEXT NOT NULL DEFAULT '';
DROP TRIGGER locked_expenditure_update
""")
    db.execute(locked_update_trigger("v2"))


@migrations(name="0017_procurement_reference")
def procurement_reference(db: Database) -> None:
    """What Interreg (Jems/eMS) lists of each cost: the number of the procurement procedure or of the contract it
    was incurred under. Seals made from now on (v3) cover it, and so does the lock of a submitted period's rows; the
    seals made before keep to their own columns (v1, v2)."""
    from reporter.store.integrity import locked_update_trigger

    _run(db, """
ALTER TABLE expenditures ADD COLUMN procurement_ref TEXT NOT NULL DEFAULT '';
DROP TRIGGER locked_expenditure_update
""")
    db.execute(locked_update_trigger("v3"))
