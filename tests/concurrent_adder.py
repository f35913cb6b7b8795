"""A second window at work, for the concurrency tests: adds expenditures one by one to a database.

    python concurrent_adder.py DATABASE PROJECT PREFIX COUNT DATE PAUSE_SECONDS

Prints one JSON line per expenditure: {"document", "result": "saved" | "refused", "message"}; stops after
three refusals (the period is locked: nothing more would be saved). An error that is not the user's
(an internal error) is printed as "internal" and exits 3.
"""

import json
import sys
import time
from pathlib import Path

from reporter.domain.errors import UserError
from reporter.services.expenditures import add_expenditure
from reporter.store import Store


def main(database: str, project: str, prefix: str, count: str, day: str, pause: str) -> int:
    store = Store.open(Path(database))
    refusals = 0
    try:
        for n in range(1, int(count) + 1):
            document = f"{prefix}-{n}"
            try:
                saved = add_expenditure(store, project, {"partner": "LP", "line": "STAFF", "date": day,
                                                         "document": document, "supplier": "UAB Knyga",
                                                         "gross": "10.00", "paid": day})
                print(json.dumps({"document": document, "result": "saved", "number": saved.number}), flush=True)
            except UserError as error:
                print(json.dumps({"document": document, "result": "refused", "message": str(error)}), flush=True)
                refusals += 1
                if refusals == 3:
                    break
            except Exception as error:  # noqa: BLE001 - what the test is looking for
                print(json.dumps({"document": document, "result": "internal",
                                  "message": f"{type(error).__name__}: {error}"}), flush=True)
                return 3
            time.sleep(float(pause))
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
