"""`pilothouse email test ADDRESS [--smtp-host ...]`: set up mail and see at once whether it works.

Any ``--smtp-*`` option given is saved first (as `pilothouse modules configure email` would), then
one test email is sent right now (the ``email_send_test`` skill) and the server's answer is printed:
sent, with the server and the Message-ID, or its refusal with what to change (exit 1). The password
is never taken on the command line: ``--smtp-password-env NAME`` reads it from the environment.
"""

from __future__ import annotations

import argparse

from server import settings
from server.cli.commands.common import instance
from server.cli.output import CliError, line

OPTIONS = {"smtp_host": "--smtp-host", "smtp_port": "--smtp-port", "smtp_from": "--smtp-from",
           "smtp_username": "--smtp-username"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("email", help="set up outbound mail and test it")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("test", help="send a test email now (saving any --smtp-* settings first)")
    p.add_argument("address", help="where to send the test email")
    p.add_argument("--smtp-host", help="the SMTP server, e.g. smtp.example.com")
    p.add_argument("--smtp-port", type=int, help="its port: 587 (with --starttls) or 25")
    p.add_argument("--smtp-from", help="the sender address the server accepts, e.g. billing@example.com")
    p.add_argument("--smtp-username", help="the login, if the server wants one")
    p.add_argument("--smtp-password-env", metavar="NAME", help="the environment variable holding the password")
    p.add_argument("--starttls", action=argparse.BooleanOptionalAction, default=None,
                   help="upgrade the connection with STARTTLS (port 587)")
    p.set_defaults(handler=test)


async def test(args: argparse.Namespace) -> int:
    values: dict[str, object] = {key: getattr(args, key) for key in OPTIONS if getattr(args, key) is not None}
    if args.starttls is not None:
        values["smtp_starttls"] = args.starttls
    if args.smtp_password_env:
        password = settings.environment().get(args.smtp_password_env)
        if not password:
            raise CliError(f"--smtp-password-env {args.smtp_password_env}: that variable is not set")
        values["smtp_password"] = password
    async with instance(args) as app:
        if values:
            if not await app.modules.is_enabled("email"):
                raise CliError("the email module is off: pilothouse modules enable email")
            await app.modules.configure("email", values)
            line(f"saved: {', '.join(sorted(k for k in values if k != 'smtp_password'))}"
                 + (" and the password" if "smtp_password" in values else ""))
        result = await app.executor.call("email_send_test", {"to": args.address}, caller="cli")
    if not result.ok or result.output is None:
        raise CliError(result.message, code=1)
    sent = result.output
    line(f"sent a test email to {sent['to']} through {sent['server']} (outbox #{sent['outbox_id']}); "
         "mail is set up")
    return 0
