# Two commands for a fresh machine: `make run` and `make test`.
# Each creates the virtual environment it needs on first use.
# `make package` builds the program for staff on this OS (dist/grant-reporter/, one folder);
# `make package-onefile` the one-file variant (dist/onefile/grant-reporter, .exe on Windows). See README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test clean system-packages package package-onefile

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,package]'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/grant-reporter $(ARGS)

test: $(INSTALLED) system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

package: $(INSTALLED)
	$(BIN)/pyinstaller --noconfirm --clean build.spec

package-onefile: $(INSTALLED)
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist/onefile --workpath build/onefile build.spec -- --onefile

system-packages:
	@scripts/system-packages.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
