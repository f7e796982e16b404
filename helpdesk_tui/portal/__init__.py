"""The callers' web portal (issue 20, R47): an entry point beside cli/ and mail/.

Server-rendered pages (Starlette, Jinja2) that work without JavaScript; every change goes
through the desk's operations (desk/portal_tickets.py, desk/portal_auth.py). `create_app` in
app.py; `helpdesk portal` (cli/portal.py) serves it with uvicorn.
"""
