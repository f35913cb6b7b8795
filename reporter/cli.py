"""The command line: a thin front end over `reporter.services`.

It parses arguments, calls one service, and prints the result as text or, with
`--json`, as JSON (amounts as strings with two decimals). A mistake the user
can fix prints one line and exits 2; anything else is an internal error that
is logged with its traceback and exits 3.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import closing
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Sequence

from reporter import __version__, desktop
from reporter.domain.errors import UserError, ValidationError, problem
from reporter.domain.money import format_amount, plain
from reporter.paths import TEMPLATES_VARIABLE, default_database, demo_database, log_file, template_folders

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 3
EXIT_OUTPUT_CLOSED = 141  # as the shell reports a program stopped by SIGPIPE

log = logging.getLogger("reporter")

# Expenditure fields and the options that set them (`--document` sets "document").
_EXPENSE_OPTIONS = {
    "partner": "partner code, e.g. LP",
    "line": "budget line code, e.g. STAFF",
    "date": "document date, YYYY-MM-DD",
    "document": "document number, e.g. SF-2024/0117 (a unit-cost declaration may have none)",
    "supplier": "supplier or payee (a unit-cost declaration may have none)",
    "gross": "gross amount, e.g. 1210.00 or 1 210,00 (a unit-cost declaration: units × rate)",
    "vat": "VAT included in the gross amount",
    "eligible": "eligible amount (default: gross, less VAT the partner recovers)",
    "currency": "document currency (default: the project's)",
    "rate": "units of the document currency per euro (a euro document in a project kept in another currency: "
            "of that currency; default: the stored rate of the month)",
    "project_rate": "a document in a third currency (litas in a dollar project): the project currency's rate per "
                    "euro (default: the stored rate of the month)",
    "period": "reporting period number (default: the period containing the date)",
    "units": "number of units on a unit-cost line (participants, days…); eligible = units × rate",
    "rate_name": "the band or category of a unit-cost rate, where the line has several (\"100-1999 km\", Manager)",
    "activity": "activity code",
    "description": "what was bought or paid",
    "paid": "payment date, YYYY-MM-DD",
    "paid_by": "who really paid it, replacing the agreements' mix: a funder code (KM), or codes with amounts in the "
               "project currency (KM=600,OWN=400; one may be left without an amount: it pays the rest)",
    "in_kind": "a contribution in kind: the basis of its value (e.g. \"40 h × 12.50 EUR of volunteers' work\")",
    "notes": "internal notes",
    "accounting_ref": "the accounting system's own reference of the entry (journal or voucher number)",
    "supplier_code": "the supplier's company code",
    "person_document": "a payment to a natural person: the individual-activity certificate, business licence or "
                       "author's contract it is made under, with its number (e.g. \"IVP Nr. 123456\")",
    "travel_route": "a trip's route, e.g. \"Vilnius–Kaunas–Vilnius\"",
    "travel_from": "a trip's first day, YYYY-MM-DD",
    "travel_to": "a trip's last day, YYYY-MM-DD (default: its first day)",
    "travellers": "the persons on a trip: their names (\"Jonas Jonaitis, Ona Onaitė\"), or how many they were",
    "procurement_ref": "the procurement procedure or contract the cost was incurred under, by its number (e.g. "
                       "\"VP-2024/07\", \"Sutartis Nr. 2024-15\"; Interreg lists it)",
}


def main(argv: Sequence[str] | None = None) -> int:
    # A windowed build has no console: whoever would read an error there gets a dialog instead.
    dialog = not desktop.has_console()
    desktop.ensure_streams()
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging()
    if args.templates:
        os.environ[TEMPLATES_VARIABLE] = os.pathsep.join(args.templates)
    if args.selftest:
        dialog = False  # it runs unattended (CI, a support call): its answer is what it prints and its exit code
    elif args.command is None:
        dialog = True  # the user asked for the window, not for text
    try:
        if args.selftest:
            from reporter.selftest import run_selftest

            return run_selftest(Path(args.selftest))
        if args.command is None:
            return _window(args)
        return args.handler(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        if dialog:
            desktop.show_error_dialog("Grant Reporter", str(error))
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted; nothing more was written", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # the output went to `head` or a pager that was closed: nobody is reading any more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OUTPUT_CLOSED
    except Exception as error:  # noqa: BLE001 - the boundary: report, log, never lose it
        from reporter.store.failures import user_error

        machine = user_error(error)  # a full disk, a read-only folder, a database in use: not the program's bug
        if machine is not None:
            log.warning("%s: %s", type(error).__name__, error)
            print(f"error: {machine}", file=sys.stderr)
            return EXIT_USER_ERROR
        log.exception("internal error in %s", " ".join(sys.argv))
        message = f"internal error: {type(error).__name__}: {error}\nDetails are in the log: {log_file()}"
        print(message, file=sys.stderr)
        if dialog:
            desktop.show_error_dialog("Grant Reporter", message)
        return EXIT_INTERNAL_ERROR


def _configure_logging() -> None:
    """Log to the user's log file: one handler, however often `main` runs in a process (scripts, tests)."""
    path = log_file()
    for old in list(log.handlers):
        if getattr(old, "grant_reporter_log", None) == path:
            return
        if getattr(old, "grant_reporter_log", None) is not None:
            log.removeHandler(old)
            old.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.grant_reporter_log = path  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)


# Output helpers


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):  # amounts keep two decimals; shares and rates keep theirs
        return plain(value) if value.as_tuple().exponent == -2 else str(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _to_json(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    return value


def _emit(args: argparse.Namespace, data: Any, text: Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(_to_json(data), ensure_ascii=False, indent=2))
    else:
        print(text())


def _money(amount: Decimal) -> str:
    return format_amount(amount, "en")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _open(args: argparse.Namespace):
    from reporter.store import Store

    return Store.open(_database(args))


def _database(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else default_database()


# Commands


def _window(args: argparse.Namespace) -> int:
    """The window on the database; without a screen (a server, CI) the text overview instead."""
    import tkinter

    try:
        from reporter.gui.app import run
    except ImportError as error:  # a Python built without Tk
        log.warning("no window: %s", error)
        return _overview(args)
    lang = desktop.system_language() or "en"
    log.info("Grant Reporter %s%s: the window on %s, system language %s", __version__,
             " (built program)" if desktop.frozen() else "", _database(args), lang)
    try:
        return run(_database(args), lang)
    except tkinter.TclError as error:
        if "display" not in str(error).lower():
            raise
        print(f"No screen to open the window on ({error}); here is the overview instead.\n", file=sys.stderr)
        return _overview(args)


def _overview(args: argparse.Namespace) -> int:
    from reporter.services.projects import list_projects

    with closing(_open(args)) as store:
        projects = list_projects(store)
    _emit(args, {"database": _database(args), "projects": projects}, lambda: "\n".join([
        f"Grant Reporter {__version__}: expenditure by funder, co-financing checks, funder reports.",
        f"Database: {_database(args)}",
        "",
        _projects_text(projects) if projects else
        "No projects yet. Load a project file with 'grant-reporter load FILE',\n"
        "or try the demo: 'grant-reporter demo' (writes a separate demo database).",
        "",
        "Commands: overview, init, load, export-project, projects, expense add|edit|delete|list,",
        "          financing, check, payment add|list|delete, report, submit, reopen, convert,",
        "          rate set|list, control, templates,",
        "          backup, restore, demo.",
        "Help for any of them: grant-reporter COMMAND --help",
    ]))
    return 0


def _projects_text(projects: list) -> str:
    return _table(
        ["code", "title", "period", "cur", "partners", "expenditures", "eligible"],
        [[p.code, p.title[:48], f"{p.start} – {p.end}", p.currency, str(p.partners), str(p.expenditures),
          _money(p.eligible_total)] for p in projects],
        right=(4, 5, 6),
    )


def _init(args: argparse.Namespace) -> int:
    store = _open(args)
    store.close()
    _emit(args, {"database": _database(args)}, lambda: f"Database ready: {_database(args)}")
    return 0


def _load(args: argparse.Namespace) -> int:
    from reporter.services.projects import load_project_file

    with closing(_open(args)) as store:
        result = load_project_file(store, Path(args.file))
    s = result.summary
    verb = "created" if s.created else ("updated" if s.changed else "unchanged")
    _emit(args, {"project": result.code, "result": verb, "inserted": s.inserted, "updated": s.updated,
                 "deleted": s.deleted},
          lambda: f"Project {result.code} {verb}" + (
              f" ({s.inserted} added, {s.updated} changed, {s.deleted} removed)" if s.changed else ""))
    return 0


def _export(args: argparse.Namespace) -> int:
    from reporter.files import write_text
    from reporter.services.projects import export_project

    with closing(_open(args)) as store:
        text = export_project(store, args.code)
    if args.output:
        write_text(Path(args.output), text)
        print(f"Project {args.code} written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _projects(args: argparse.Namespace) -> int:
    from reporter.services.projects import list_projects

    with closing(_open(args)) as store:
        projects = list_projects(store)
    _emit(args, projects, lambda: _projects_text(projects) if projects else "No projects.")
    return 0


def _templates(args: argparse.Namespace) -> int:
    from reporter.templates import list_templates, template_problems

    templates, problems = list_templates(), template_problems()
    _emit(args, {"templates": [{"id": t.id, "name": t.name, "languages": t.languages,
                                "budget_lines": [line.code for line in t.budget_lines]} for t in templates],
                 "folders": template_folders(), "problems": problems},
          lambda: _table(["id", "name", "budget lines"],
                         [[t.id, t.name, " ".join(line.code for line in t.budget_lines)] for t in templates])
          + "\n\nLooked for in: " + ", ".join(str(f) for f in template_folders()))
    for found in problems:
        print(f"warning: {found}", file=sys.stderr)
    return 0


def _expense_fields(args: argparse.Namespace) -> dict[str, str]:
    fields = {name: getattr(args, name) for name in _EXPENSE_OPTIONS if getattr(args, name, None) is not None}
    if args.attachment is not None:
        fields["attachments"] = "; ".join(args.attachment)
    return fields


def _expense_text(e) -> str:
    amount = f"{_money(e.eligible)} {e.currency}"
    rate = f" at {e.rate} per euro" if e.rate is not None else ""
    if e.project_rate is not None:  # a third currency: through the euro, both steps
        rate += f", the euro at {e.project_rate}"
    return (f"#{e.number} {e.document_date} {e.document_no} {e.supplier}: eligible {amount}{rate}"
            f" → {_money(e.eligible_project_currency)} (partner {e.partner}, line {e.budget_line},"
            f" period {e.period})")


def _expense_add(args: argparse.Namespace) -> int:
    from reporter.services.expenditures import add_expenditure

    with closing(_open(args)) as store:
        saved = add_expenditure(store, args.project, _expense_fields(args))
    _emit(args, saved, lambda: "Saved " + _expense_text(saved))
    return 0


def _expense_edit(args: argparse.Namespace) -> int:
    from reporter.services.expenditures import edit_expenditure

    changes = _expense_fields(args)
    if not changes:
        raise UserError("expense edit: give at least one field to change, e.g. --gross 100.00")
    with closing(_open(args)) as store:
        saved = edit_expenditure(store, args.project, args.reference, changes)
    _emit(args, saved, lambda: "Saved " + _expense_text(saved))
    return 0


def _expense_delete(args: argparse.Namespace) -> int:
    from reporter.services.expenditures import delete_expenditure, get_expenditure

    with closing(_open(args)) as store:
        if not args.yes and sys.stdin.isatty():
            target = get_expenditure(store, args.project, args.reference)
            answer = input(f"Delete {_expense_text(target)}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 0
        deleted = delete_expenditure(store, args.project, args.reference)
    _emit(args, deleted, lambda: "Deleted " + _expense_text(deleted))
    return 0


def _expense_list(args: argparse.Namespace) -> int:
    from reporter.services.expenditures import list_expenditures
    from reporter.store.expenditures import ExpenditureQuery

    query = ExpenditureQuery(
        partner=args.partner, budget_line=args.line, period=args.period, activity=args.activity, funder=args.funder,
        text=args.search,
        date_from=_iso_date(args.date_from, "--from"), date_to=_iso_date(args.date_to, "--to"),
        sort=args.sort, descending=args.desc, limit=args.limit, offset=(args.page - 1) * args.limit,
    )
    with closing(_open(args)) as store:
        page = list_expenditures(store, args.project, query)

    def text() -> str:
        if not page.rows:
            return "No expenditure matches."
        rows = [[str(e.number), str(e.document_date), e.partner, e.budget_line, str(e.period), e.document_no[:18],
                 e.supplier[:30], f"{_money(e.gross)} {e.currency}", _money(e.eligible_project_currency)]
                for e in page.rows]
        last = page.offset + len(page.rows)
        return "\n".join([
            _table(["no.", "date", "partner", "line", "per.", "document", "supplier", "gross", "eligible"], rows,
                   right=(0, 7, 8)),
            f"{page.offset + 1}–{last} of {page.total}; eligible total of all {page.total}: "
            f"{_money(page.total_eligible)}",
        ])

    _emit(args, {"total": page.total, "total_eligible": page.total_eligible, "offset": page.offset,
                 "limit": page.limit, "rows": page.rows}, text)
    return 0


def _iso_date(text: str | None, option: str) -> date | None:
    from reporter.domain.limits import parse_date

    return None if text is None else parse_date(text, option)


def _convert(args: argparse.Namespace) -> int:
    from reporter.services.currency import convert_to_euro

    with closing(_open(args)) as store:
        c = convert_to_euro(store, args.amount, args.currency, args.month, args.rate)
    _emit(args, c, lambda: f"{_money(c.amount)} {c.currency} = {_money(c.euro)} EUR "
                           f"(rate {c.rate} per euro, {c.rate_source}{', ' + c.month if c.month else ''})")
    return 0


def _rate_set(args: argparse.Namespace) -> int:
    from reporter.services.currency import set_rate

    with closing(_open(args)) as store:
        rate = set_rate(store, args.currency, args.month, args.rate, args.source or "")
    _emit(args, rate, lambda: f"Stored 1 EUR = {rate.rate} {rate.currency} for {rate.month}")
    return 0


def _rate_list(args: argparse.Namespace) -> int:
    from reporter.services.currency import list_rates

    with closing(_open(args)) as store:
        rates = list_rates(store, args.currency)
    _emit(args, rates, lambda: _table(["currency", "month", "per euro", "source"],
                                      [[r.currency, r.month, str(r.rate), r.source] for r in rates], right=(2,))
          if rates else "No rates stored.")
    return 0


def _financing(args: argparse.Namespace) -> int:
    from reporter.services.checks import financing_view

    with closing(_open(args)) as store:
        view = financing_view(store, args.project, args.partner, args.period)

    def text() -> str:
        blocks = [f"Financing of {view.project} ({view.currency}), period {view.period} and cumulative"]
        for p in view.partners:
            flat = "".join(f"; flat rate {line} {_money(amount)}" for line, amount in p.flat_rates_this_period.items())
            not_claimed = "".join(f"; not claimed ({_NOT_CLAIMED[reason]}) {_money(amount)}"
                                  for reason, amount in p.not_claimed_cumulative.items())
            rows = []
            for f in p.funders:
                excluded = f.excluded
                why = ", ".join(f"{label} {_money(amount)}" for label, amount in (
                    ("lines not paid", excluded.lines_not_paid), ("activities not paid", excluded.activities_not_paid),
                    ("VAT", excluded.ineligible_vat), ("ineligible", excluded.ineligible_expenditure),
                    ("paid by named payers", excluded.paid_by_others), ("held back by the cap", f.held_back),
                    ("as named payer", f.named)) if amount)
                rows.append([("  " if f.part_of else "") + f.funder,
                             "fixed sum" if f.fixed else f"{f.rule}{' residual' if f.residual else ''}",
                             "–" if f.fixed else f"{f.share_percent} %",
                             _money(f.this_period), _money(f.cumulative),
                             _money(f.cap) if f.cap is not None else "–",
                             _money(f.remaining) if f.remaining is not None else "–", why or "–"])
            blocks.append("\n".join([
                "",
                f"{p.partner} {p.name}",
                f"eligible this period {_money(p.eligible_this_period)}, cumulative {_money(p.eligible_cumulative)}"
                + flat + not_claimed
                + (f"; NOT ALLOCATED {_money(p.unallocated_cumulative)}" if p.unallocated_cumulative else ""),
                _table(["funder", "rule", "share", "this period", "cumulative", "cap/sum", "remaining", "notes"],
                       rows, right=(2, 3, 4, 5, 6)),
            ]))
        blocks += ["", _positions_text(view.positions, view.period)]
        return "\n".join(blocks)

    _emit(args, view, text)
    return 0


_NOT_CLAIMED = {"no-source": "eligible for no source", "indirect-over-cap": "indirect costs above the cap"}


def _positions_text(positions: list, period: int | None) -> str:
    """Each grant where it is held: what the costs claim, what was paid, and what is due."""
    rows = [[p.funder, p.partner or "project", _money(p.granted) if p.granted is not None else "–",
             _money(p.claimed), _money(p.paid), _money(p.due), _money(p.ahead),
             _money(p.unused) if p.unused is not None else "–"] for p in positions]
    through = f" through period {period}" if period else ""
    lines = [f"Payment position{through} (claimed: what the costs ask of the funder; due: claimed less paid; "
             "ahead: paid before the costs used it)",
             _table(["funder", "held by", "granted", "claimed", "paid", "due", "ahead", "unused"], rows,
                    right=(2, 3, 4, 5, 6, 7))]
    for p in positions:
        if p.instalments:
            lines += ["", f"Schedule of {p.funder} ({p.partner or 'project'}):", _table(
                ["no.", "when", "share", "amount", "paid", "state", "note"],
                [[str(s.number), _TRIGGERS[s.instalment.trigger].format(period=s.instalment.period),
                  f"{s.instalment.percent} %", _money(s.amount), _money(s.paid),
                  s.status + (f" by {_money(s.reduction)}" if s.reduction else ""),
                  f"{s.used_percent} % of the earlier instalments used, {s.instalment.threshold} % needed"
                  if s.used_percent is not None and s.instalment.threshold is not None else ""]
                 for s in p.instalments], right=(2, 3, 4))]
            if p.next_due:
                lines.append(f"Next: instalment {p.next_due.number}, {_money(p.next_due.open)} to be paid.")
    return "\n".join(lines)


_TRIGGERS = {"signature": "at signature", "report": "after the report of period {period}",
             "final": "after the final report"}


def _payment_add(args: argparse.Namespace) -> int:
    from reporter.services.payments import add_payment

    fields = {name: getattr(args, name) for name in ("funder", "partner", "date", "amount", "kind", "note")}
    with closing(_open(args)) as store:
        saved = add_payment(store, args.project, fields)
    held = f" of {saved.partner}" if saved.partner else " of the project"
    _emit(args, saved, lambda: f"Saved interest {saved.id}: {saved.date} {_money(saved.amount)} on {saved.funder}'s "
                               f"grant{held}" if saved.kind == "interest" else
          f"Saved payment {saved.id}: {saved.date} {saved.kind} {_money(saved.amount)} from {saved.funder}"
          + (f" to {saved.partner}" if saved.partner else " to the project"))
    return 0


def _payment_list(args: argparse.Namespace) -> int:
    from reporter.services.payments import list_payments, payment_position

    with closing(_open(args)) as store:
        payments = list_payments(store, args.project, args.funder)
        positions = [p for p in payment_position(store, args.project, args.period)
                     if args.funder in (None, p.funder)]

    def text() -> str:
        rows = [[str(p.date), p.funder, p.partner or "project", p.kind, _money(p.interest or p.received), p.note,
                 p.id] for p in payments]
        listing = _table(["date", "funder", "to", "kind", "amount", "note", "id"], rows, right=(4,)) if rows \
            else "No payments recorded."
        return "\n".join([listing, "", _positions_text(positions, args.period)])

    _emit(args, {"payments": payments, "positions": positions}, text)
    return 0


def _payment_delete(args: argparse.Namespace) -> int:
    from reporter.services.payments import delete_payment

    with closing(_open(args)) as store:
        deleted = delete_payment(store, args.project, args.id)
    _emit(args, deleted, lambda: f"Deleted payment {deleted.id}: {deleted.date} {deleted.kind} "
                                 f"{_money(deleted.amount)} from {deleted.funder}")
    return 0


def _subgrant_list(args: argparse.Namespace) -> int:
    from reporter.domain.subgrants import sub_grant_totals
    from reporter.services.subgrants import sub_grant_overview

    with closing(_open(args)) as store:
        positions = sub_grant_overview(store, args.project, args.period)
    totals = sub_grant_totals(positions)
    amounts = ("granted", "paid", "reported", "accepted", "balance", "unused")
    data = {"sub_grants": [{"partner": p.sub_grant.partner, "name": p.name, "number": p.sub_grant.number,
                            "signed": p.sub_grant.signed, **{k: getattr(p, k) for k in amounts}} for p in positions],
            "total": {k: getattr(totals, k) for k in amounts}}

    def text() -> str:
        if not positions:
            return f"{args.project} has no sub-grants (a project file's [[sub_grants]] names them)."
        rows = [[p.sub_grant.partner, p.name[:40], p.sub_grant.number, *(_money(getattr(p, k)) for k in amounts)]
                for p in positions]
        rows.append(["total", f"{len(positions)} sub-grants", "", *(_money(getattr(totals, k)) for k in amounts)])
        through = f" through period {args.period}" if args.period else ""
        return "\n".join([
            f"Sub-grants of {args.project}{through} (paid: advances and balances less returns; accepted: what the "
            "funding counts of the reported costs; balance: to pay (+) or paid ahead of accepted costs (−))",
            _table(["partner", "name", "agreement", *amounts], rows, right=(3, 4, 5, 6, 7, 8))])

    _emit(args, data, text)
    return 0


def _subgrant_pay(args: argparse.Namespace) -> int:
    from reporter.services.subgrants import add_sub_grant_payment

    fields = {name: getattr(args, name) for name in ("partner", "date", "amount", "kind", "note")}
    with closing(_open(args)) as store:
        saved = add_sub_grant_payment(store, args.project, fields)
    _emit(args, saved, lambda: f"Saved payment {saved.id}: {saved.date} {saved.kind} {_money(saved.amount)} "
                               f"to {saved.partner}")
    return 0


def _subgrant_payments(args: argparse.Namespace) -> int:
    from reporter.services.subgrants import list_sub_grant_payments

    with closing(_open(args)) as store:
        payments = list_sub_grant_payments(store, args.project, args.partner)
    rows = [[str(p.date), p.partner, p.kind, _money(p.paid), p.note, p.id] for p in payments]
    _emit(args, payments, lambda: _table(["date", "to", "kind", "amount", "note", "id"], rows, right=(3,))
          if rows else "No payments to sub-grantees recorded.")
    return 0


def _subgrant_delete_payment(args: argparse.Namespace) -> int:
    from reporter.services.subgrants import delete_sub_grant_payment

    with closing(_open(args)) as store:
        deleted = delete_sub_grant_payment(store, args.project, args.id)
    _emit(args, deleted, lambda: f"Deleted payment {deleted.id}: {deleted.date} {deleted.kind} "
                                 f"{_money(deleted.amount)} to {deleted.partner}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from reporter.services.explanations import explain, list_explanations

    with closing(_open(args)) as store:
        if args.text is not None:
            missing = [problem("period", "value.required")] if args.period is None else []
            if args.line is None and args.activity is None:
                missing.append(problem("line", "explanation.line_or_activity"))
            if missing:
                raise ValidationError(missing, problem("", "explanation.problems", count=len(missing)))
            kept = explain(store, args.project, args.period, args.line, args.text, args.partner, args.activity)
            _emit(args, kept, lambda: f"{'Kept' if kept.text else 'Removed'} the explanation of "
                                      f"{kept.line or kept.activity} in period {kept.period}"
                                      + (f" ({kept.partner})" if kept.partner else ""))
            return 0
        found = list_explanations(store, args.project, args.period)
    rows = [[str(x.period), x.partner or "project", x.line or "", x.activity or "", x.text] for x in found]
    _emit(args, found, lambda: _table(["period", "report", "line", "activity", "explanation"], rows) if rows
          else "No explanations kept.")
    return 0


def _control_text(c) -> str:
    certificate = f", certificate {c.certificate} of {c.certified}" if c.certified else ""
    return f"{c.partner}, period {c.period}: {c.status.replace('_', ' ')}" + certificate + (
        f" ({c.controller})" if c.controller else "")


def _control(args: argparse.Namespace) -> int:
    from reporter.services.controls import list_controls, set_control

    with closing(_open(args)) as store:
        if args.status is not None:
            if args.period is None:
                raise ValidationError([problem("period", "value.required")], problem("", "control.problems", count=1))
            kept = set_control(store, args.project, args.period, args.partner, args.status, args.date,
                               args.certificate or "", args.controller or "")
            _emit(args, kept, lambda: "Kept: " + _control_text(kept))
            return 0
        found = list_controls(store, args.project, args.period)
    rows = [[str(c.period), c.partner, c.status.replace("_", " "), str(c.certified or ""), c.certificate,
             c.controller] for c in found]
    _emit(args, found, lambda: _table(["period", "partner", "status", "certified", "certificate", "controller"], rows)
          if rows else "The project has no partners' reports yet.")
    return 0


def _check(args: argparse.Namespace) -> int:
    from reporter.services.checks import check_project

    with closing(_open(args)) as store:
        result = check_project(store, args.project, args.partner, args.period)

    def text() -> str:
        if not result.findings:
            return "No findings: every contract rule holds."
        lines = []
        for f in result.findings:
            numbers = f.record_numbers
            records = f" [records {', '.join(f'#{n}' for n in numbers[:12])}{' …' if len(numbers) > 12 else ''}]" \
                if numbers else ""
            lines.append(f"{f.severity.upper():7s} {f.rule}: {f.message}{records}")
        errors = sum(f.severity == "error" for f in result.findings)
        lines.append(f"{len(result.findings)} finding(s), {errors} error(s)")
        return "\n".join(lines)

    _emit(args, {"ok": result.ok, "findings": [_finding_json(f) for f in result.findings]}, text)
    return 0 if result.ok else 1


def _finding_json(finding: Any) -> dict[str, Any]:
    """A finding for scripts: its English message, and the id and parameters to word it in another language."""
    from reporter.domain.messages import Message

    def params(values: dict[str, Any]) -> dict[str, Any]:
        return {name: param(value) for name, value in values.items()}

    def param(value: Any) -> Any:
        if isinstance(value, Message):
            return {"message_id": value.id, "params": params(value.params)}
        if isinstance(value, tuple):
            return [param(v) for v in value]
        return _to_json(value)  # amounts as strings with two decimals, dates ISO

    fields = {k: v for k, v in asdict(finding).items() if k not in ("message_id", "args")}
    return {"rule": finding.rule, "severity": finding.severity, "message": finding.message,
            "message_id": finding.message_id, "params": params(finding.params), **fields}


def _report(args: argparse.Namespace) -> int:
    from reporter.services.reports import write_report

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    with closing(_open(args)) as store:
        files = write_report(store, args.project, args.period, Path(args.out), args.partner, args.template,
                             args.lang, formats, args.funder)
    _emit(args, files, lambda: "\n".join(
        f"{f.path}  sha256 {f.sha256}" + ("  (from the submitted snapshot)" if f.from_snapshot else
                                          f"  (NOT the file submitted, whose sha256 is {f.submitted_sha256}: the "
                                          "stored data or the program changed since; run 'grant-reporter check')"
                                          if f.differs_from_submission else "")
        for f in files))
    return 0


def _submit(args: argparse.Namespace) -> int:
    from reporter.services.reports import submit_period

    with closing(_open(args)) as store:
        submission = submit_period(store, args.project, args.period, force=args.force)
    _emit(args, submission, lambda: "\n".join([
        f"Period {submission.period} of {args.project} is submitted and locked; {submission.snapshots} report "
        "snapshot(s) kept, with the SHA-256 of their files:"
        + (f"\n(submitted with {submission.forced_errors} open error(s), as --force asked; the lock records it)"
           if submission.forced_errors else ""),
        *(f"  {partner or 'project'} {lang} {fmt} {digest}" for partner, lang, fmt, digest in submission.files)]))
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from reporter.services.bundle import make_bundle, verify_bundle

    if args.verify:
        checked = verify_bundle(Path(args.verify))
        _emit(args, {**_to_json(checked), "ok": checked.ok, "problems": [str(p) for p in checked.problems]},
              lambda: _verification_text(checked))
        return 0 if checked.ok else 1
    if args.project is None or args.period is None or args.out is None:
        raise UserError("bundle: give --project, --period and --out to write a bundle, or --verify FILE to check one")
    with closing(_open(args)) as store:
        b = make_bundle(store, args.project, args.period, Path(args.out), args.partner, args.funder, args.lang,
                        Path(args.attachments) if args.attachments else None)
    state = ("not submitted" if not b.submitted else "submitted; the report files are the ones recorded at submission"
             if b.report_is_submitted else "submitted, but the report files are not the ones recorded at submission "
                                           "(manifest.json says why)")
    missing = f"; {len(b.missing_attachments)} reference(s) without a file, listed in manifest.json" \
        if b.missing_attachments else ""
    _emit(args, b, lambda: "\n".join([
        f"Bundle written: {b.path} ({b.size:,} bytes, {b.files} files)",
        f"{b.project} period {b.period}, {b.partner or 'consolidated project'} report in {b.lang}: {state}",
        f"{b.expenditures} expenditure(s), {b.attachments} attachment file(s){missing}",
        f"{b.findings} finding(s), {b.errors} error(s)",
        f"sha256 {b.sha256}",
        f"Check it: grant-reporter bundle --verify {b.path}"]))
    return 0


def _verification_text(checked: Any) -> str:
    lines = [f"{checked.path}: {checked.files} file(s) checked against manifest.json: "
             + ("every hash matches, and the seal over the whole file holds" if checked.ok else
                f"{len(checked.problems)} problem(s)")]
    lines += [f"  {p}" for p in checked.problems]
    if checked.submitted:
        lines.append(f"Period {checked.period} of {checked.project} was submitted; report.pdf and report.xlsx "
                     + ("are" if checked.report_is_submitted else "are NOT")
                     + f" the files recorded at submission; submitted data SHA-256 {checked.snapshot_sha256}")
    elif checked.period is not None:
        lines.append(f"Period {checked.period} of {checked.project} was not submitted when the bundle was made.")
    return "\n".join(lines)


def _reopen(args: argparse.Namespace) -> int:
    from reporter.services.periods import reopen_period

    with closing(_open(args)) as store:
        period = reopen_period(store, args.project, args.period, args.reason)
    _emit(args, period, lambda: f"Period {period.number} of {args.project} is open again (logged: {args.reason})")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from reporter.services.maintenance import backup_now, describe_backups

    if args.list:
        found = describe_backups(_database(args))
        _emit(args, [{"path": b.path, "reason": b.reason, "taken": b.taken.isoformat(), "bytes": b.size,
                      "verified": b.verified, "problem": b.problem.message if b.problem else None} for b in found],
              lambda: _table(["backup", "taken", "size", "verified"],
                             [[str(b.path), f"{b.taken:%Y-%m-%d %H:%M:%S}", _size(b.size),
                               "yes" if b.verified else f"NO: {b.problem.message}"] for b in found], right=(2,))
              if found else "No backups.")
        return 0
    with closing(_open(args)) as store:
        path = backup_now(store, keep=args.keep)
    _emit(args, {"backup": path, "bytes": path.stat().st_size, "verified": True},
          lambda: f"Backup written and verified: {path} ({_size(path.stat().st_size)})")
    return 0


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB" if size >= 1024 \
        else f"{size} B"


def _restore(args: argparse.Namespace) -> int:
    from reporter.services.maintenance import restore

    safety = restore(_database(args), Path(args.file))
    _emit(args, {"restored": args.file, "previous_state": safety},
          lambda: f"Restored {_database(args)} from {args.file} (verified; recorded in the audit log)" + (
              f"\nThe state before the restore is kept in {safety}" if safety else ""))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from reporter.services.demo import create_demo
    from reporter.store import Store

    path = Path(args.db) if args.db else demo_database()
    with closing(Store.open(path)) as store:
        summary = create_demo(store)
    _emit(args, {"database": path, **_to_json(summary)},
          lambda: f"Demo database written: {path}\nProjects: {', '.join(summary.projects)}; "
                  f"{summary.expenditures} expenditures.\nOpen it with: grant-reporter --db {path}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from reporter import bench

    if args.child:
        task, side, folder, rows = args.child
        print(json.dumps(bench.run_child(task, side, Path(folder), int(rows))))
    else:
        bench.command(args.rows, args.task, args.repeat, Path(args.folder) if args.folder else None, args.json)
    return 0


def _import(args: argparse.Namespace) -> int:
    from reporter.importers.mapping import ImportMapping, parse_assignments, read_value_map
    from reporter.services.imports import import_file, preview_file, read_profile, write_profile

    given = ImportMapping(
        what=args.what, columns=parse_assignments(args.map or [], args.what, reverse=True),
        constants=parse_assignments(args.set or [], args.what, reverse=False),
        values={name: read_value_map(Path(file)) for name, file in (_value_file(v) for v in args.values or [])},
        sheet=args.sheet, encoding=args.encoding, delimiter="\t" if args.delimiter == "tab" else args.delimiter,
        header_row=args.header_row, date_order=args.date_order)
    mapping = read_profile(args.profile).merged(given) if args.profile else given
    if args.save_profile:
        saved = write_profile(args.save_profile, mapping)
        print(f"Profile {args.save_profile!r} saved: {saved}", file=sys.stderr)
    if args.preview:
        preview = preview_file(Path(args.file), mapping)
        _emit(args, {"sheets": preview.table.sheets, "sheet": preview.table.sheet, "encoding": preview.table.encoding,
                     "delimiter": preview.table.delimiter, "header_row": preview.layout.header_row,
                     "columns": preview.layout.columns, "rows": preview.rows, "suggested": preview.suggested},
              lambda: _preview_text(preview))
        return 0
    mode = "valid" if args.valid_only else "all"
    with closing(_open(args)) as store:
        result = import_file(store, args.project, Path(args.file), mapping, mode=mode, dry_run=args.dry_run,
                             keep_duplicates=args.keep_duplicates)
    _emit(args, _import_json(result), lambda: _import_text(result))
    return EXIT_USER_ERROR if result.refused else 0


def _value_file(text: str) -> tuple[str, str]:
    name, sep, file = text.partition(":")
    if not sep or not name.strip() or not file.strip():
        raise UserError(f"--values {text}: write it as field:FILE, e.g. line:classification.csv")
    return name.strip(), file.strip()


def _preview_text(preview: Any) -> str:
    t, layout = preview.table, preview.layout
    source = f"sheet {t.sheet!r} of {', '.join(map(repr, t.sheets))}" if t.sheets else \
        f"{t.encoding}, separator {t.delimiter!r}"
    lines = [f"{t.name}: {source}; header in row {layout.header_row or '(none)'}",
             "columns: " + " | ".join(layout.columns), ""]
    lines += [f"{number:>5}  " + " | ".join(cells) for number, cells in preview.rows]
    if preview.suggested:
        lines += ["", "suggested mapping: " + " ".join(f'--map "{c}={f}"' for f, c in preview.suggested.items())]
    return "\n".join(lines)


def _import_json(result: Any) -> dict[str, Any]:
    from reporter.importers.layout import place
    from reporter.domain.errors import PROBLEMS

    problems = [{"rows": rows, "column": column, "field": name, "where": place(PROBLEMS, rows, column, name),
                 "message": found.message, "message_id": found.message_id, "params": _to_json(found.params)}
                for rows, column, name, found in result.grouped()]
    return {**{k: _to_json(getattr(result, k)) for k in ("what", "file", "sheet", "encoding", "delimiter",
                                                          "header_row", "rows", "valid", "imported", "changed",
                                                          "dry_run", "refused", "duplicates", "skipped")},
            "problems": problems}


def _import_text(result: Any) -> str:
    source = f"sheet {result.sheet!r}" if result.sheet else f"{result.encoding}, separator {result.delimiter!r}"
    skipped = len(result.skipped)
    lines = [f"{result.file} ({source}; header in row {result.header_row or '(none)'}): {result.rows} row(s) read, "
             f"{result.valid} valid, {len(result.bad_rows)} with problems, {len(result.duplicates)} duplicate(s), "
             f"{skipped} title, blank or totals row(s) skipped"]
    if result.refused:
        lines.append(f"Nothing was written: {len(result.bad_rows)} row(s) have problems (--valid-only imports the "
                     "others):")
    elif result.dry_run:
        lines.append("Dry run: nothing was written.")
    else:
        lines.append(f"Imported {result.imported} row(s); {result.changed} record(s) added or changed.")
    lines += ["  " + line for line in result.problem_lines()]
    if result.duplicates:
        lines.append("Duplicates, imported all the same:" if result.duplicates_kept else
                     "Duplicates, left out (--keep-duplicates imports them):")
        for d in result.duplicates[:50]:
            what = {"document": "same supplier and document number as", "entry": "same date, amount and supplier as"}
            lines.append(f"  row {d.row}: " + (f"{what[d.reason]} #{d.number}" if d.number is not None
                                                else f"the same as row {d.earlier_row}"))
        if len(result.duplicates) > 50:
            lines.append(f"  … and {len(result.duplicates) - 50} more")
    return "\n".join(lines)


def _package_export(args: argparse.Namespace) -> int:
    from reporter.services.packages import export_package

    with closing(_open(args)) as store:
        exported = export_package(store, args.project, args.partner, args.period, Path(args.out),
                                  Path(args.attachments) if args.attachments else None)
    missing = f"; {len(exported.missing_attachments)} attachment reference(s) without a file to pack" \
        if exported.missing_attachments else ""
    _emit(args, exported, lambda: f"Package written: {exported.path}\n{exported.expenditures} expenditure(s) of "
                                  f"partner {exported.partner}, period {exported.period}; {exported.attachments} "
                                  f"attachment file(s){missing}\nsha256 {exported.sha256}")
    return 0


def _package_import(args: argparse.Namespace) -> int:
    from reporter.services.packages import import_package

    with closing(_open(args)) as store:
        merged = import_package(store, Path(args.file), Path(args.attachments) if args.attachments else None,
                                dry_run=args.dry_run)

    def text() -> str:
        verb = "would add" if merged.dry_run else "added"
        lines = [f"Package of partner {merged.partner}, period {merged.period} of {merged.project}: {verb} "
                 f"{merged.added} expenditure(s), {merged.unchanged} already here unchanged, {merged.attachments} "
                 "attachment file(s)"]
        if merged.not_in_package:
            lines.append("Kept, though not in the package: " + ", ".join(f"#{n}" for n in merged.not_in_package))
        return "\n".join(lines)

    _emit(args, merged, text)
    return 0


# The parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grant-reporter",
        description="Expenditure by funder, co-financing checks and funder-format reports. "
                    "Without a command: the window (or, without a screen, an overview of the database).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="PATH", help=f"database file (default: {default_database()})")
    parser.add_argument("--json", action="store_true", help="print data as JSON")
    parser.add_argument("--templates", metavar="DIR", action="append",
                        help="look for funder templates in DIR first (repeat for several), before your own templates "
                             "folder and the program's")
    parser.add_argument("--selftest", metavar="DIR",
                        help="check that this copy of the program works: create a database in DIR, load the demo, "
                             "open and close the window, run the checks, write a PDF and a workbook there; "
                             "exits 0 only if all of that worked")
    parser.set_defaults(command=None)
    # Every sub-command also accepts --db and --json after its name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="database file")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print data as JSON")
    common.add_argument("--templates", metavar="DIR", action="append", default=argparse.SUPPRESS,
                        help="look for funder templates in DIR first")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], help: str,
                under: Any = commands) -> argparse.ArgumentParser:
        sub = under.add_parser(name, parents=[common], help=help, description=help)
        sub.set_defaults(handler=handler, command=name)
        return sub

    command("overview", _overview, "the database, its projects and the commands, as text")
    command("init", _init, "create the database, or bring it up to date")
    sub = command("load", _load, "create or update a project from a project file (TOML)")
    sub.add_argument("file", help="project file")
    sub = command("export-project", _export, "write a project's definition as a project file")
    sub.add_argument("code", help="project code")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    command("projects", _projects, "list the projects")
    command("templates", _templates, "list the funder templates")

    expense = commands.add_parser("expense", help="add, edit, delete or list expenditure")
    expense_commands = expense.add_subparsers(title="expense commands", metavar="ACTION", required=True)
    sub = command("add", _expense_add, "add one expenditure", expense_commands)
    sub.add_argument("--project", required=True, help="project code")
    _add_expense_options(sub, required=("partner", "line", "date"))  # the rest as the line needs, checked
    sub = command("edit", _expense_edit, "change fields of one expenditure", expense_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("reference", help="internal number (e.g. 17) or id")
    _add_expense_options(sub, required=())
    sub = command("delete", _expense_delete, "delete one expenditure", expense_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("reference", help="internal number (e.g. 17) or id")
    sub.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    sub = command("list", _expense_list, "list expenditure, filtered, sorted and paged", expense_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--partner", help="partner code")
    sub.add_argument("--line", help="budget line code")
    sub.add_argument("--period", type=int, help="reporting period number")
    sub.add_argument("--activity", help="activity code")
    sub.add_argument("--funder", help="only what this funder's agreement covers (partner, budget line, dates)")
    sub.add_argument("--search", help="text in supplier, document number or description")
    sub.add_argument("--from", dest="date_from", metavar="DATE", help="document date from (YYYY-MM-DD)")
    sub.add_argument("--to", dest="date_to", metavar="DATE", help="document date to (YYYY-MM-DD)")
    sub.add_argument("--sort", default="number", choices=_SortColumns(), metavar="COLUMN",
                     help="sort by %(choices)s (default: %(default)s)")
    sub.add_argument("--desc", action="store_true", help="sort in descending order")
    sub.add_argument("--limit", type=int, default=50, help="rows per page (default: 50)")
    sub.add_argument("--page", type=int, default=1, help="page number (default: 1)")

    sub = command("convert", _convert, "convert an amount to euro")
    sub.add_argument("amount", help="amount, e.g. '1 234,56'")
    sub.add_argument("currency", help="ISO 4217 code, e.g. PLN, LTL")
    sub.add_argument("--month", metavar="YYYY-MM", help="use the stored rate of this month (default: this month)")
    sub.add_argument("--rate", help="use this rate per euro instead of a stored one")

    rate = commands.add_parser("rate", help="store or list monthly exchange rates")
    rate_commands = rate.add_subparsers(title="rate commands", metavar="ACTION", required=True)
    sub = command("set", _rate_set, "store a month's rate (units per euro)", rate_commands)
    sub.add_argument("currency", help="ISO 4217 code, e.g. USD")
    sub.add_argument("month", metavar="YYYY-MM")
    sub.add_argument("rate", help="units of the currency per euro, e.g. 1.0823")
    sub.add_argument("--source", help="where the rate comes from, e.g. 'EC accounting rate'")
    sub = command("list", _rate_list, "list stored rates", rate_commands)
    sub.add_argument("currency", nargs="?", help="only this currency")

    sub = command("financing", _financing, "how each partner's eligible costs split among the funders")
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--partner", help="only this partner")
    sub.add_argument("--period", type=int, help="this period (default: the current one) and cumulative through it")
    payment = commands.add_parser("payment", help="record and list what funders paid; the payment position")
    payment_commands = payment.add_subparsers(title="payment commands", metavar="ACTION", required=True)
    sub = command("add", _payment_add, "record a payment a funder made (or money returned to it, or the interest "
                                       "the bank paid on its money)", payment_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--funder", required=True, help="funder code")
    sub.add_argument("--partner", help="the partner paid, where the funder's agreement is with that partner "
                                       "(leave out for a grant paid to the project)")
    sub.add_argument("--date", required=True, help="payment date, YYYY-MM-DD")
    sub.add_argument("--amount", required=True, help="amount received, e.g. 94504.00")
    from reporter.domain.model import PAYMENT_KINDS

    sub.add_argument("--kind", default="interim", choices=PAYMENT_KINDS,
                     help="prefinancing, interim, balance, return (money paid back), or interest (what the bank "
                          "paid on the grant's money, dated within the project); default: interim")
    sub.add_argument("--note", default="", help="e.g. the funder's payment order number")
    sub = command("list", _payment_list, "the payments and each grant's position: claimed, paid, due",
                  payment_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--funder", help="only this funder")
    sub.add_argument("--period", type=int, help="claims through this period (default: all costs)")
    sub = command("delete", _payment_delete, "delete a payment recorded by mistake", payment_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("id", help="the payment's id (payment list shows it)")

    subgrant = commands.add_parser("subgrant", help="sub-grants: what each sub-grantee was granted, paid, "
                                                    "reported and accepted")
    subgrant_commands = subgrant.add_subparsers(title="subgrant commands", metavar="ACTION", required=True)
    sub = command("list", _subgrant_list, "each sub-grant's position and the total", subgrant_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--period", type=int, help="costs through this period (default: all)")
    sub = command("pay", _subgrant_pay, "record a payment to a sub-grantee (or money it paid back)",
                  subgrant_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--partner", required=True, help="the sub-grantee's partner code")
    sub.add_argument("--date", required=True, help="payment date, YYYY-MM-DD")
    sub.add_argument("--amount", required=True, help="amount paid, e.g. 12000.00")
    from reporter.domain.model import SUB_GRANT_PAYMENT_KINDS

    sub.add_argument("--kind", default="advance", choices=SUB_GRANT_PAYMENT_KINDS,
                     help="advance, balance, or return (money paid back); default: advance")
    sub.add_argument("--note", default="", help="e.g. the payment order number")
    sub = command("payments", _subgrant_payments, "list the payments to sub-grantees", subgrant_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--partner", help="only this sub-grantee")
    sub = command("delete-payment", _subgrant_delete_payment, "delete a payment recorded by mistake",
                  subgrant_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("id", help="the payment's id (subgrant payments shows it)")

    sub = command("explain", _explain, "explain why a budget line's spending differs from its budget, or an "
                                       "activity's from its plan for the period's year, in a period's report "
                                       "(without --text: list the explanations)")
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--period", type=int, help="the report's period (needed with --text)")
    sub.add_argument("--line", help="budget line code (with --text: this or --activity)")
    sub.add_argument("--activity", help="activity code of an activity plan (with --text: this or --line)")
    sub.add_argument("--partner", help="the partner's report (default: the whole project's)")
    sub.add_argument("--text", help='the explanation; "" removes it')

    sub = command("control", _control, "keep where a partner's report of a period stands with its first-level "
                                       "controller: draft, submitted, in_control, certified (without --status: "
                                       "list each partner's report)")
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--period", type=int, help="the report's period (needed with --status)")
    sub.add_argument("--partner", help="the partner whose report it is (not needed in a one-partner project)")
    sub.add_argument("--status", help="draft, submitted, in_control or certified; draft removes what was kept")
    sub.add_argument("--date", help="a certified report: the date of the controller's certificate, YYYY-MM-DD")
    sub.add_argument("--certificate", help="a certified report: the certificate's number, e.g. FLC-123")
    sub.add_argument("--controller", help="who controls the report (in control or certified)")

    sub = command("check", _check, "check the contract rules; exits 1 when an error is found")
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--partner", help="only this partner")
    sub.add_argument("--period", type=int, help="judge shares in this period and sums through it")
    sub = command("report", _report, "write a funder report as PDF and/or Excel")
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--period", type=int, required=True, help="reporting period number")
    sub.add_argument("--partner", help="partner code (default: the consolidated project report)")
    sub.add_argument("--template", help="funder template id (default: the project's)")
    sub.add_argument("--lang", choices=("en", "lt", "lv"), help="report language (default: the template's first)")
    sub.add_argument("--format", default="pdf,xlsx", help="pdf, xlsx or both, comma-separated (default: pdf,xlsx)")
    sub.add_argument("--funder", help="the funder the report is for (default: the largest share)")
    sub.add_argument("--out", required=True, metavar="DIR", help="folder to write the files into")
    sub = command("submit", _submit, "submit a reporting period: keep its reports' data and lock it")
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--period", type=int, required=True, help="period number")
    sub.add_argument("--force", action="store_true", help="submit although the checks find errors (recorded)")
    sub = command("bundle", _bundle, "write a period's evidence bundle for auditors (report, expenditure CSV, "
                                     "attachments, findings, SHA-256 manifest), or --verify one")
    sub.add_argument("--project", help="project code")
    sub.add_argument("--period", type=int, help="reporting period number")
    sub.add_argument("--partner", help="partner code (default: the consolidated project report)")
    sub.add_argument("--funder", help="the funder the report is for (default: the largest share, as submitted)")
    sub.add_argument("--lang", choices=("en", "lt", "lv"), help="report language (default: the template's first)")
    sub.add_argument("--attachments", metavar="DIR",
                     help="the folder attachment references are relative to (default: attachments/ beside the "
                          "database)")
    sub.add_argument("--out", metavar="FILE", help="the ZIP file to write, e.g. LLI-537-P2-bundle.zip")
    sub.add_argument("--verify", metavar="FILE", help="check a bundle instead: its seal, every file against its "
                                                      "manifest, the report against the submission's hashes; "
                                                      "exits 1 when something does not match")
    sub = command("reopen", _reopen, "reopen a submitted period (logged with the reason)")
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--period", type=int, required=True, help="period number")
    sub.add_argument("--reason", required=True, help="why it is reopened")

    sub = command("import", _import, "import expenditure, a plan, a budget or exchange rates from a CSV, TXT, XLSX, "
                                     "XLS or ODS file: every row checked first, then all written or none")
    sub.add_argument("file", help="the file to import")
    sub.add_argument("--project", help="project code (not needed for rates)")
    sub.add_argument("--what", default="expenditure", choices=("expenditure", "plan", "budget", "rates"),
                     help="what the file holds (default: expenditure)")
    sub.add_argument("--sheet", help="the workbook's sheet, by name or number (default: the first)")
    sub.add_argument("--profile", help="use a saved mapping; --map, --set and --values add to it")
    sub.add_argument("--map", action="append", metavar="COLUMN=field",
                     help='the column (its header, or its letter) that fills a field, e.g. "Dok. Nr.=document"; '
                          "repeat for each field")
    sub.add_argument("--set", action="append", metavar="field=VALUE",
                     help="a value for every row (used where its column is empty), e.g. partner=LP")
    sub.add_argument("--values", action="append", metavar="field:FILE",
                     help="a file of two columns translating the file's values into codes, e.g. line:accounts.csv")
    sub.add_argument("--save-profile", metavar="NAME", help="save the mapping as a profile for next time")
    sub.add_argument("--encoding", help="a text file's encoding (default: found: BOM, UTF-8, else windows-1257)")
    sub.add_argument("--delimiter", choices=(";", ",", "tab", "|"), help="a text file's separator (default: found)")
    sub.add_argument("--header-row", type=int, metavar="N", help="the row holding the column names (default: found)")
    sub.add_argument("--date-order", choices=("DMY", "MDY"), help="how dates written with '/' are meant")
    sub.add_argument("--preview", action="store_true", help="show the columns, the first rows and a suggested "
                                                             "mapping; import nothing")
    sub.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
    modes = sub.add_mutually_exclusive_group()
    modes.add_argument("--all-or-nothing", action="store_true", help="write nothing when any row has a problem "
                                                                     "(the default)")
    modes.add_argument("--valid-only", action="store_true", help="write exactly the rows without problems")
    sub.add_argument("--keep-duplicates", action="store_true",
                     help="import rows that repeat a stored expenditure all the same")

    package = commands.add_parser("package", help="a partner's expenditure of a period as one file, merged by the "
                                                  "lead partner")
    package_commands = package.add_subparsers(title="package commands", metavar="ACTION", required=True)
    sub = command("export", _package_export, "write a partner's expenditure of one period, with its attachment files, "
                                             "as a package (ZIP with a manifest of SHA-256 hashes)", package_commands)
    sub.add_argument("--project", required=True, help="project code")
    sub.add_argument("--partner", required=True, help="the partner whose expenditure it holds")
    sub.add_argument("--period", type=int, required=True, help="reporting period number")
    sub.add_argument("--out", required=True, metavar="FILE", help="the package file to write, e.g. PP2-period-2.zip")
    sub.add_argument("--attachments", metavar="DIR",
                     help="the folder attachment references are relative to (default: attachments/ beside the "
                          "database)")
    sub = command("import", _package_import, "merge a partner's package: importing it twice changes nothing; a "
                                             "changed file or a conflict merges nothing", package_commands)
    sub.add_argument("file", help="the package file")
    sub.add_argument("--attachments", metavar="DIR",
                     help="where its attachment files go (default: attachments/ beside the database)")
    sub.add_argument("--dry-run", action="store_true", help="check and report; merge nothing")

    sub = command("backup", _backup, "back up the database (verified, timestamped, keeps the newest)")
    sub.add_argument("--keep", type=int, default=10,
                     help="how many manual backups to keep, the new one included; at least 1 (default: 10)")
    sub.add_argument("--list", action="store_true", help="list this database's backups, their size and whether each "
                                                         "verifies, instead")
    sub = command("restore", _restore, "replace the database with a verified backup (the current state is backed up "
                                       "first; the restore is logged)")
    sub.add_argument("file", help="backup file")
    command("demo", _demo, f"create the demo database (default: {demo_database()})")
    sub = command("bench", _bench, "time each task beside the same work done by its library alone, on a made-up "
                                   "project of each size (not the database's)")
    sub.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000], metavar="N",
                     help="sizes, in expenditures (default: 1000 10000 100000)")
    sub.add_argument("--task", action="append", metavar="TASK",
                     help="only this task (repeat for several): import, check, integrity, list, list-search, "
                          "list-funder, list-count, build, xlsx, pdf, window")
    sub.add_argument("--repeat", type=int, default=3, help="processes per measurement, the median kept (default: 3)")
    sub.add_argument("--folder", metavar="DIR", help="keep the made-up files here and reuse them next time")
    sub.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    return parser


class _SortColumns:
    """The list's sort keys, read from the store only when a command needs them.

    Building the parser must stay cheap: `--version` and `--help` import no sqlite-utils.
    """

    def _columns(self) -> list[str]:
        from reporter.store.expenditures import SORT_COLUMNS

        return sorted(SORT_COLUMNS)

    def __contains__(self, value: object) -> bool:
        return value in self._columns()

    def __iter__(self):  # noqa: ANN204
        return iter(self._columns())


def _add_expense_options(parser: argparse.ArgumentParser, required: Sequence[str]) -> None:
    for name, help in _EXPENSE_OPTIONS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, required=name in required, help=help)
    parser.add_argument("--attachment", action="append", metavar="REF",
                        help="attachment reference (file name or archive number); repeat for several")
