"""Errors a user can cause and fix.

Bad user data is reported, not crashed on: validators return `Problem` values
and the boundary (CLI, window) shows them all together. `UserError` is the one
exception type the front ends show as a plain message; anything else is an
internal error.

A problem is a place, a message id and typed values, worded when shown: `str()`
and `.message` in English (`PROBLEMS`), `reporter.i18n` in the window's language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

from reporter.domain.messages import Param, render

# The English wording of every problem, by message id. Translations use the same ids
# and {placeholders} (resources/translations/problems.toml). A value shown in quotes
# is passed quoted (`repr`), exactly as it was given.
PROBLEMS = {
    # Amounts, numbers, dates and codes as typed
    "amount.required": "an amount is required",
    "amount.not_amount": "{value} is not an amount (use digits with '.' or ',' for cents, e.g. 1234.56)",
    "amount.separators": "{value} has more than one decimal separator",
    "amount.ambiguous": "{value} is ambiguous ({whole} or {decimal}?): write {whole}.00 for the first, "
                        "or give at most two decimals",
    "amount.cents": "{value} must have one or two digits after the decimal separator (cents)",
    "amount.no_integer_part": "{value} has no digits before the decimal separator",
    "amount.groups": "{value} has thousands groups that are not three digits",
    "amount.decimals": "{value} has more than two decimal places",
    "amount.not_cents": "{value} is not an amount in cents",
    "amount.not_whole_cents": "{value} is not a whole number of cents",
    "amount.exceeds_gross": "{part} must have the sign of the gross amount {gross} and not exceed it",
    "number.not_number": "{value} is not a number",
    "number.decimals": "{value} has more than {places} decimal places",
    "number.negative": "{value} is not a non-negative number",
    "percent.required": "is required (a percentage, e.g. 85)",
    "percent.range": "{value} % is not between 0 and 100",
    "currency.unknown": "{value} is not an ISO 4217 currency code (e.g. EUR, PLN, USD)",
    "currency.two_conversions": "a {currency} document in a {project_currency} project needs two conversions; "
                                "enter it in EUR or {project_currency}",
    "currency.fixed": "{currency} has a fixed euro rate and needs no monthly rate",
    "rate.not_positive": "a rate must be greater than zero, not {rate}",
    "rate.not_needed": "the document is in {currency}, the project's own currency: no rate is needed",
    "rate.fixed": "{currency} converts at the fixed euro rate {fixed}, not {rate}",
    "rate.missing": "no {currency} rate for {month}: give the rate or store the month's rate",
    "rate.not_stored": "no {currency} rate stored for {month}; give --rate or store it with "
                       "'grant-reporter rate set {currency} {month} RATE'",
    "month.not_iso": "{value} is not a month written YYYY-MM",
    "date.not_iso": "{value} is not a date written YYYY-MM-DD",
    "date.outside_project": "{date} is outside the project ({start} – {end})",
    "value.required": "is required",
    "value.not_one_of": "{value} is not one of {choices}",
    "none": "none",
    # The project definition
    "project.code_required": "a project code is required",
    "project.title_required": "a title is required",
    "project.ends_before_start": "the project ends ({end}) before it starts ({start})",
    "project.unknown": "no project with code {code}",
    "project.problems": "Project {code} has {count} problem(s); nothing was saved:",
    "partner.name_required": "a name is required",
    "partner.one_lead": "only one lead partner is possible, found {leads}",
    "partner.unknown": "{project} has no partner {partner}",
    "funder.no_agreement": "{project} has no funding agreement with {funder}",
    "reference.unknown_partner": "unknown partner {code}",
    "reference.unknown_funder": "unknown funder {code}",
    "reference.unknown_budget_line": "unknown budget line {code}",
    "reference.unknown_activity": "unknown activity {code}",
    "duplicate.code": "code {value} appears {count} times",
    "duplicate.number": "number {value} appears {count} times",
    "duplicate.agreement": "partner/funder {value} appears {count} times",
    "duplicate.budget": "partner/line/year/activity {value} appears {count} times",
    "duplicate.sub_grant": "sub-grantee {value} has {count} sub-grants; give one agreement per sub-grantee",
    "plan.budget_twice": "{activity} {year}: the plan gives the budget by line, and [[budget]] gives it as well; "
                         "give it once (the plan by line is the budget)",
    "unit_cost.rate_and_rates": "give one rate or a table of rates, not both",
    "project.template_currency": "the template {template} keeps its projects in {template_currency}, not "
                                 "{currency}: documents in other currencies are converted",
    "cost_share.above": "{line} counts {percent} % of the real cost: at most {most} is eligible",
    "template.columns": "must be a list of columns from {known}",
    "template.words": "must be a table of words per language ({languages}), e.g. {{ en = \"…\", lt = \"…\" }}",
    "template.unreadable": "template {template} is not a valid funder template ({detail})",
    "template.broken": "template {template}: {problems}",
    "template.id_not_file_name": "the id {id} must match the file name",
    "sub_grant.lead": "{partner} is the lead partner: the project re-grants to other partners only",
    "sub_grant.amount": "a sub-grant's amount must be greater than zero",
    "sub_grant.signed": "the sub-grant is signed outside the project ({start} – {end})",
    "sub_grant.unknown": "{partner} has no sub-grant in this project (sub-grants: {known})",
    "sub_grant.payment_unknown": "no sub-grant payment {id} in this project",
    "sub_grant.payment_not_positive": "a payment is a positive amount, not {amount} (money paid back is kind "
                                      "'return')",
    "sub_grant.payment_date": "a payment to a sub-grantee falls between {start} and {end} (the project, and a "
                              "year to settle the balances)",
    "sub_grant.payments": "The sub-grant payment has {count} problem(s); nothing was saved:",
    "funding.negative_cap": "a cap cannot be negative",
    "funding.share_or_amount": "give either a share (a percentage of the costs) or an amount (a fixed-sum grant), "
                               "not both and not neither",
    "funding.negative_amount": "a fixed sum cannot be negative",
    "funding.amount_and_cap": "a fixed-sum grant is its own cap; leave the cap out",
    "funding.rate_month": "the agreement's amounts are in another currency: give the month whose {currency} rate "
                          "converts them (rate_month = \"YYYY-MM\")",
    "funding.rate_not_stored": "no {currency} rate is stored for {month}, the month the agreement's amounts convert "
                               "at; store it first: grant-reporter rate set {currency} {month} RATE",
    "project.terms": "The funding agreements of {code} cannot be converted into its currency:",
    "funding.fixed_residual": "a fixed-sum grant cannot take the remainder; make another source the residual",
    "funding.part_of": "{funder} is not a top-level funder of the same agreement scope",
    "funding.part_of_share": "the sources within {funder}'s part take {taken} % of the costs, more than its own "
                             "{share} %",
    "funding.eligible_ends_before_start": "the eligible period ends before it starts",
    "funding.legal_status_programme": "{funder} is a programme fund (kind eu): what it pays is no partner "
                                      "contribution and has no legal status; leave legal_status out",
    "funding.residuals.partner": "partner {partner} has {count} residual sources; at most one takes the remainder",
    "funding.residuals.partner_within": "partner {partner} has {count} residual sources within {funder}; "
                                        "at most one takes the remainder",
    "funding.residuals.project": "the project has {count} residual sources; at most one takes the remainder",
    "funding.residuals.project_within": "the project has {count} residual sources within {funder}; "
                                        "at most one takes the remainder",
    "year.outside_project": "{year} is outside the project's years",
    "period.number_from_one": "period numbers start at 1",
    "period.ends_before_start": "the period ends ({end}) before it starts ({start})",
    "period.outside_project": "period {number} ({start} – {end}) is outside the project "
                              "({project_start} – {project_end})",
    "period.overlap": "periods {first} and {second} overlap",
    "flat_rate.exclusive": "the flat rates {first} and {second} exclude each other; budget only one of them",
    "flat_rate.incomplete": "needs line, percent and of (a list of lines)",
    "unit_cost.incomplete": "needs line and rate",
    "rules.unknown": "unknown rule (expected one of: {keys})",
    "rules.not_lines": "must be a list of budget line codes",
    "rules.not_days": "must be a whole number of days",
    "rules.country_groups": "must be a table of groups, each a list of country codes (\"4\" = [\"LT\", \"LV\"])",
    "rules.unknown_group": "unknown country group {group} (known: {known})",
    "unit_cost.rate_incomplete": "a rate needs rate (a number) and may name: {keys}",
    "line_cap.incomplete": "needs line and amount",
    "cost_share.incomplete": "needs line and percent (0 to 100)",
    "instalment.incomplete": "needs percent (above 0, at most 100) and trigger ({triggers}); a report trigger "
                             "names its period, and may give a threshold (0 to 100)",
    "template.unknown": "no funder template {template} (known: {known})",
    "template.unknown_section": "unknown section {section} (known: {known})",
    "template.orientation": "must be landscape or portrait",
    "template.languages": "must be a list of the report languages, from {known}",
    "template.line": "needs code and name (a table of the words per language)",
    # The project file
    "file.missing": "no such file",
    "file.not_utf8": "not a text file in UTF-8 (is it a project file?)",
    "file.does_not_exist": "{file} does not exist",
    "file.not_toml": "not valid TOML: {detail}",
    "file.unreadable": "The project file cannot be read:",
    "file.problems": "The project file has {count} problem(s); nothing was saved:",
    "file.not_table": "must be a table",
    "file.unknown_key": "unknown key (expected one of: {keys})",
    "file.not_text": "must be text in quotes, not {value}",
    "file.date_required": "is required as a date (YYYY-MM-DD)",
    "file.not_date": "{value} is not a date (YYYY-MM-DD)",
    "file.not_amount": "{value} is not an amount",
    "file.not_integer": "{value} is not a whole number",
    "file.not_flag": "must be true or false, not {value}",
    "file.not_codes": "must be a list of codes in quotes",
    "file.not_label": "must be text, or a table of the words per language ({languages}), e.g. "
                      "{{ en = \"Staff costs\", lt = \"Personalo išlaidos\" }}",
    "file.not_tables": "must be a list of tables",
    # Expenditures
    "expenditure.unknown_field": "is not an expenditure field",
    "expenditure.problems": "The expenditure has {count} problem(s); nothing was saved:",
    "expenditure.unknown_partner": "unknown partner {code} in {project} (known: {known})",
    "expenditure.unknown_budget_line": "unknown budget line {code} in {project} (known: {known})",
    "expenditure.unknown_activity": "unknown activity {code} in {project} (known: {known})",
    "expenditure.no_id": "expenditure {id} does not exist",
    "expenditure.unknown": "no expenditure {reference} in this project",
    "expenditure.locked": "expenditure {number} is in submitted period {period}, which is locked; "
                          "enter a correction in an open period",
    "expenditure.flat_rate_line": "{line} is a flat rate ({percent} % of {lines}) that the program computes; "
                                  "it is never entered by hand",
    "units.required": "{line} is paid per {unit}: give the number of units",
    "units.no_rate": "{line} has no rate for partner {partner} (role {role}, country group {group})",
    "units.rate_name_required": "{line} has several rates: name one of {names}",
    "units.rate_name_unknown": "{line} has no rate {name} for {partner}; name one of {names}",
    "units.rate_name_not_used": "{line} has one rate for {partner}; it needs no band or category",
    "units.rate_ambiguous": "{line} has several rates {name} for {partner}; the template must tell them apart",
    "unit_cost.description": "a unit-cost declaration says what was done (e.g. the meeting, the output)",
    "unit_cost.gross": "a unit-cost declaration counts {units} × {rate} = {amount}; leave the gross out (or give "
                       "{amount})",
    "rate.one_step": "a {currency} document converts in one step: give its rate as the rate",
    "in_kind.payers": "a contribution in kind is paid by no one: it counts for the source whose agreement accepts "
                      "contributions in kind; leave the payers out",
    "in_kind.no_taker": "no funding agreement of {partner} takes contributions in kind (in_kind = true in the "
                        "project file's [[funding]])",
    "units.not_used": "{line} is not a unit-cost line; units are not used",
    "units.negative": "{value}: units cannot be negative",
    "travel.start_required": "the trip's last day {end} is given without its first day (a one-day trip gives its "
                             "first day only)",
    "travel.ends_before_start": "the trip ends ({end}) before it starts ({start})",
    "travellers.not_count": "{value} is neither the number of persons travelling (a whole number from 1 to {limit}) "
                            "nor their names",
    "period.not_number": "{value} is not a period number (1, 2, 3…)",
    "period.unknown": "{project} has no reporting period {number}",
    "period.no_such": "no reporting period {number}",
    "period.none_contains": "no reporting period contains {date}; give the period",
    "period.locked": "period {number} is submitted and locked; enter a correction in an open period",
    "period.locked_setup": "reporting period {number} is submitted and locked; it cannot be changed or removed",
    "period.already_submitted": "period {number} of {project} is already submitted",
    "period.open_errors": "period {number} has {count} open error(s): {errors}; fix them, or submit anyway with "
                          "--force (the submission records it)",
    "period.not_submitted": "period {number} of {project} is not submitted",
    "period.reopen_reason": "say why the period is reopened; the audit log keeps it",
    "in_use.partner": "partner {name} cannot be removed: {count} expenditure(s) refer to it",
    "in_use.budget_line": "budget line {name} cannot be removed: {count} expenditure(s) refer to it",
    "in_use.activity": "activity {name} cannot be removed: {count} expenditure(s) refer to it",
    "in_use.period": "reporting period {name} cannot be removed: {count} expenditure(s) refer to it",
    "in_use.funder": "funder {name} cannot be removed: {count} named payer(s) or payment(s) refer to it",
    "in_use.explanations": "{name} cannot be removed: {count} explanation(s) of variances refer to it",
    "explanation.problems": "The explanation has {count} problem(s); nothing was saved:",
    "explanation.line_or_activity": "name the budget line or the activity the explanation is about (one of them)",
    "in_use.partner_controls": "{name} cannot be removed: the control of {count} partner report(s) is recorded for "
                               "it (set them back to draft first)",
    "control.problems": "The partner report's control has {count} problem(s); nothing was saved:",
    "control.certificate_needed": "a certified report needs the date and number of the controller's certificate",
    "control.not_certified": "only a certified report has a certificate's date or number (status {status})",
    "control.no_controller": "a controller is named once the report is in_control or certified (status {status})",
    "control.before_period": "the certificate ({date}) is dated before the period it certifies begins ({start})",
    "in_use.sub_grant": "the sub-grant {name} cannot be removed: {count} payment(s) to the sub-grantee refer to it",
    "in_use.partner_payments": "partner {name} cannot be removed: {count} payment(s) refer to it",
    # Named payers and payments
    "payer.not_payer": "{value} is not a payer: write a funder code, or CODE=amount (e.g. KM=600, OWN=400)",
    "payer.unknown_funder": "unknown funder {code} (known: {known})",
    "payer.sign": "{funder} pays {amount}, which does not have the sign of the eligible amount {eligible}",
    "payer.twice": "{funder} is named twice",
    "payer.two_without_amount": "only one payer may be left without an amount (it pays what the others leave)",
    "payer.sum": "the payers' amounts add up to {given}, not to the eligible amount {eligible}",
    "payer.sum_over": "the payers' amounts add up to {given}, more than the eligible amount {eligible}",
    "payment.unknown": "no payment {id} in this project",
    "payment.to_project": "{funder} pays the project as a whole, not one partner: leave the partner out",
    "payment.to_partner": "{funder} pays each partner on its own ({partners}): name the partner",
    "payment.not_positive": "{amount} is not a payment: give a positive amount (money returned to the funder is "
                            "kind 'return')",
    "payment.problems": "The payment has {count} problem(s); nothing was saved:",
    "payment.interest_not_positive": "{amount} is not interest earned: give the positive amount the bank paid on the "
                                     "grant's money",
    "payment.interest_outside_project": "interest belongs to the period it was earned in: {date} is outside the "
                                        "project ({start} – {end})",
    "rates.problems": "The rates file has {count} problem(s); nothing was saved:",
    "attachment.no_folder": "a database kept in memory has no folder for attachments",
    "attachment.not_kept": "{reference} is a reference, not a file the program keeps",
    "attachment.missing": "the file {name} is missing from the attachments folder ({path})",
    "filter.unknown_partner": "no partner {code} in this project",
    "filter.unknown_budget_line": "no budget line {code} in this project",
    "filter.unknown_activity": "no activity {code} in this project",
    "filter.unknown_period": "no period {code} in this project",
    "filter.unknown_funder": "no funder {code} in this project",
    "page.out_of_range": "the page size must be 1 to 10000 and the offset 0 to 1000000000",
    # Importing files
    "import.not_a_file": "is a folder, not a file",
    "import.empty": "the file is empty",
    "import.binary": "not a text file: it holds control characters (at byte {offset}); is it a spreadsheet, an image "
                     "or another binary file with a text file's name?",
    "import.encoding": "cannot be read as {encoding} (at byte {offset}); give the file's encoding",
    "import.undetected_encoding": "is not text in UTF-8, UTF-16 or Windows-1257 (at byte {offset}); give the file's "
                                  "encoding",
    "import.unknown_encoding": "{value} is not an encoding (e.g. {known})",
    "import.not_workbook": "not a readable {kind} workbook ({detail})",
    "import.unknown_sheet": "no sheet {sheet} (the workbook has {sheets})",
    "import.no_rows": "the file has no rows to import",
    "import.no_header": "no row names every mapped column ({columns}); give the header row",
    "import.unknown_column": "no column {column} (the header has {columns})",
    "import.unknown_field": "{field} is not a field to import into (fields: {fields})",
    "import.field_not_given": "is needed: map a column to it or set it for every row",
    "import.not_assignment": "write it as {form}",
    "import.field_count": "{count} fields, but the header has {expected}: a separator inside an unquoted field, or a "
                          "cut line?",
    "import.not_date": "{value} is not a date (write 2018-03-05, 05.03.2018 or 2018.03.05)",
    "import.ambiguous_date": "{value} could be day/month or month/day, and no date in the file tells which: give the "
                             "date order (DMY or MDY)",
    "import.net_vat_gross": "the gross amount {gross} is not the net amount {net} plus the VAT {vat}",
    "import.twice": "{key} is already in row {row}",
    "import.unknown_funders": "unknown funder(s) {codes} (known: {known})",
    "import.problems": "The file has {count} problem(s) in {rows} row(s); nothing was written:",
    "import.cancelled": "the import was cancelled; nothing was written",
    "import.profile_name": "{name} cannot name a profile: use letters, digits, spaces, '.', '-' and '_'",
    "import.profile_unknown": "no import profile {name} (saved: {names})",
    "import.profile_problems": "The import profile has {count} problem(s):",
    "import.at_row": "row {row}",
    "import.at_rows": "rows {rows}",
    "import.at_cell": "row {row}, column {column}",
    "import.at_rows_cell": "rows {rows}, column {column}",
    "import.at_field": "row {row}, {field}",
    "import.at_rows_field": "rows {rows}, {field}",
    # Partner packages
    "package.unreadable": "not a Grant Reporter package ({detail})",
    "package.version": "written in package format {version}, which this version cannot read; update the program",
    "package.tampered": "{member} was changed after the package was written (its SHA-256 is not the manifest's); "
                        "ask for a new package",
    "package.unlisted": "{member} is in the package but not in its manifest",
    "package.member_missing": "{member} is in the manifest but not in the package",
    "package.unsafe_name": "{member} is not a safe file name inside a package",
    "package.reference": "the package names {what} {code}, which {project} here does not have",
    "package.period_dates": "period {number} is {start} – {end} in the package, but {here_start} – {here_end} here",
    "package.period_submitted": "period {number} of {project} is submitted here: a package for it cannot be merged "
                                "(reopen the period first)",
    "package.wrong_partner": "expenditure {id} is partner {partner}'s, but the package is partner {package_partner}'s",
    "package.other_partner": "expenditure {id} is already here as partner {partner}'s: another partner's data is "
                             "never touched",
    "package.conflict": "expenditure {id} ({document}) is already here with other content ({fields})",
    "package.conflicts": "The package conflicts with {count} record(s) here; nothing was merged:",
    "package.problems": "The package has {count} problem(s); nothing was merged:",
    "package.attachment_conflict": "attachment {name} is already here with other content",
    # Evidence bundles
    "bundle.out_is_folder": "{path} is a folder: give the name of the ZIP file to write in it",
    "bundle.unreadable": "not an evidence bundle ({detail})",
    "bundle.tampered": "the bundle was changed after it was written (its seal does not match its bytes)",
    "bundle.changed": "{member} was changed after the bundle was written (its SHA-256 is not the manifest's)",
    "bundle.unlisted": "{member} is in the bundle but not in its manifest",
    "bundle.member_missing": "{member} is in the manifest but not in the bundle",
    "bundle.not_submitted": "{member} is not the file submitted for period {period} (recorded at submission: "
                            "SHA-256 {recorded})",
    "bundle.not_snapshot": "{member} is not the data kept when the period was submitted (SHA-256 {snapshot})",
    # Reports, backups and the demo
    "format.unknown": "{formats}; choose from {choices}",
    "format.none": "none given; choose from {choices}",
    "backup.in_memory": "an in-memory database cannot be backed up",
    "demo.present": "this database already has the demo project(s) {codes}; the demo is only added to a database "
                    "without them, so that it never mixes with other data: use a new database file",
    "demo.files_missing": "the demo project files are missing from {folder}: {files}",
    # Bounds: what the program accepts (reporter/domain/limits.py)
    "amount.out_of_range": "{value} is beyond the largest amount the program takes (±{limit})",
    "amount.negative": "{value} cannot be negative",
    "date.out_of_range": "{value} is outside the dates the program takes ({first} – {last})",
    "year.out_of_range": "{value} is not a year from {first} to {last}",
    "number.out_of_range": "{value} is not a whole number from {low} to {high}",
    "rate.out_of_range": "a rate of {rate} per euro is not plausible; it must be from {low} to {high}",
    "units.too_many": "{value} units are more than one document can have (at most {limit})",
    "text.too_long": "is {length} characters long; at most {limit} fit",
    "text.control_character": "contains a control character (a line break or tab where none belongs, or an invisible "
                              "code)",
    "text.not_unicode": "contains characters that are not valid text",
    "template.bad_id": "{template} is not a template name (lower-case letters, digits and dashes, at most 64)",
    "file.not_number": "must be a number, not {value}",
    "file.too_deep": "arrays or tables are nested too deeply",
    "file.not_decimal": "{value} is a hexadecimal, octal or binary number; write numbers in decimal",
    # The database file and the machine: verification, a database in use, a full disk, a read-only folder
    "database.busy": "the database is in use by another Grant Reporter window or command; try again",
    "database.not_a_file": "{file} is not a database file (a device or a folder?); give the path of a .sqlite3 file",
    "database.empty_file": "{file} is empty (0 bytes): not a Grant Reporter database",
    "database.not_sqlite": "{file}: not a Grant Reporter database (not an SQLite file at all)",
    "database.unreadable": "{file} cannot be read ({detail})",
    "database.damaged": "{file} is damaged ({detail}); restore it from a backup",
    "database.foreign_version": "{file}: not a Grant Reporter database (its user_version is {version}, Grant "
                                "Reporter's is 0)",
    "database.no_tables": "{file}: an empty SQLite database, not a Grant Reporter one",
    "database.not_ours": "{file}: an SQLite database, but not a Grant Reporter one",
    "database.newer": "{file} was written by a newer version of Grant Reporter (schema {schema}); install that "
                      "version or newer to open it. Nothing was changed.",
    "database.incomplete": "{file}: not a complete Grant Reporter database (the schema step {schema} is missing)",
    "database.missing_table": "{file}: the table {table} that Grant Reporter needs is missing",
    "database.missing_column": "{file}: the column {column} of the table {table} that Grant Reporter needs is missing",
    "storage.disk_full": "the disk of {file} is full: nothing was saved; free some space and try again",
    "storage.read_only": "{file} cannot be written (the file, its folder or the disk is read-only): nothing was "
                         "saved; copy it to a folder you can write to",
    "storage.cannot_open": "{file} cannot be opened (does its folder exist, and may you write there?)",
    "storage.io_error": "reading or writing {file} failed (a disk or network error): nothing was saved; try again, "
                        "or check the disk",
    "storage.damaged": "{file} is damaged; restore it from a backup (grant-reporter restore)",
    "storage.name_too_long": "the file name {file} is too long for the disk",
    "storage.no_such_folder": "{file}: the folder does not exist, or a file stands where a folder should be",
    # Backups, restore and locked records
    "record.locked": "this record belongs to a submitted period, which is locked; reopen the period or enter a "
                     "correction in an open one",
    "backup.keep_at_least_one": "{keep}: at least 1 backup is kept (the new one); give --keep 1 or more",
    "backup.not_verified": "the backup {file} did not verify and was not kept: {reason}",
    "restore.refused": "{file} cannot be restored, and the database was not changed: {reason}",
    "code.leading_dash": "{value}: a code cannot begin with '-' (the command line would take it for an option)",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where it is (a key such as `funding[2].share`) and why it is wrong."""

    where: str
    message_id: str  # a key of PROBLEMS; the words are chosen when the problem is shown
    args: tuple[tuple[str, Param], ...] = ()

    @property
    def params(self) -> dict[str, Param]:
        return dict(self.args)

    @property
    def message(self) -> str:
        """Why, in English, as the command line prints it."""
        return self.worded(PROBLEMS, where="")

    def worded(self, templates: Mapping[str, str], lang: str | None = None, where: str | None = None) -> str:
        """`where: why` in the wording of `templates`; `where` may name the place otherwise, or "" leave it out."""
        message = render(self.message_id, self.params, templates, lang)
        where = self.where if where is None else where
        return f"{where}: {message}" if where else message

    def __str__(self) -> str:
        return self.worded(PROBLEMS)


def problem(where: str, message_id: str, /, **params: Param) -> Problem:
    """The problem `PROBLEMS[message_id]` describes, at `where`, with these values."""
    assert message_id in PROBLEMS, message_id
    return Problem(where, message_id, tuple(params.items()))


def not_one_of(where: str, value: object, choices: Iterable[str]) -> Problem:
    """A value that is none of those allowed (a rounding, a role, a sort column…)."""
    return problem(where, "value.not_one_of", value=repr(value), choices=", ".join(choices))


class UserError(Exception):
    """The input or the request is wrong; the message says what to change.

    Given a `Problem` it can be worded in the window's language; plain text
    (a damaged database or template file, the command line's own options) stays English.
    """

    def __init__(self, problem: Problem | str) -> None:
        self.problem = problem if isinstance(problem, Problem) else None
        super().__init__(str(problem))

    def worded(self, templates: Mapping[str, str], lang: str | None = None) -> str:
        return self.problem.worded(templates, lang) if self.problem else str(self)

    def placed(self, where: str) -> Problem:
        """The problem, found at `where`: the field or key whose value a parser refused."""
        assert self.problem is not None, "every parser raises with a Problem"
        return replace(self.problem, where=where)


class ValidationError(UserError):
    """The input has one or more problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem], heading: Problem | None = None) -> None:
        self.problems = list(problems)
        self.heading = heading
        super().__init__(self.worded(PROBLEMS))

    def worded(self, templates: Mapping[str, str], lang: str | None = None) -> str:
        """The heading, then every problem indented under it."""
        lines = [problem.worded(templates, lang) for problem in self.problems]
        if self.heading:
            return "\n".join([self.heading.worded(templates, lang), *("  " + line for line in lines)])
        return "\n".join(lines)


class NotFound(UserError):
    """The named record does not exist."""


class Conflict(UserError):
    """The change would break data that is already saved (a lock or a reference)."""
