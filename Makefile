# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# support_demo, runserver and the example settings (links in e-mails) all serve the same port.
export PORT
EXTRAS ?= test,docs
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: demo test install-test install lint docs worker beat sweep clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml setup.py
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]" $(PIP_CONSTRAINTS)
	@touch $(STAMP)

install: $(STAMP)

# The demo runs as a visitor sees a site: DEBUG off (no debug pages listing every URL), static files
# served by WhiteNoise from the apps, e-mails written to var/demo-mail/ instead of the terminal, and a
# secret key made once per clone. Each can be overridden from the environment.
DEMO_ENV = DEBUG=$${DEBUG:-false} HTTPS=$${HTTPS:-false} SERVE_STATIC_FROM_APPS=$${SERVE_STATIC_FROM_APPS:-true} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECRET_KEY=$${SECRET_KEY:-$$(cat var/demo-secret-key)} \
	EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend} \
	EMAIL_FILE_PATH=$${EMAIL_FILE_PATH:-var/demo-mail} PORT=$(PORT)

var/demo-secret-key:
	@mkdir -p var
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

demo: install var/demo-secret-key
	@$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	@$(DEMO_ENV) $(BIN)/python manage.py support_demo --port $(PORT)
	@$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Builds the wheel and sdist, installs the wheel in a new virtualenv under var/install/, makes a site
# with `wagtail start`, applies docs/snippets/ and walks a customer's journey (tests/install/).
install-test: install
	$(BIN)/python -m pytest tests/install -m install -p no:randomly $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir var/site

worker: install
	$(BIN)/celery -A example_site worker --loglevel=INFO

beat: install
	@mkdir -p var
	$(BIN)/celery -A example_site beat --loglevel=INFO --schedule var/celerybeat-schedule

sweep: install
	$(BIN)/python manage.py support_send_notifications

clean:
	rm -rf $(VENV) var site *.egg-info
