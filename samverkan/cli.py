"""The console command ``samverkan`` (also ``python -m samverkan``).

Errors go to stderr with exit code 1; usage errors exit with 2 (argparse).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import logging
import sys
from typing import Sequence

import asyncpg
import msgspec

from samverkan import database
from samverkan.errors import ServiceError
from samverkan.settings import SettingsError, get_settings
from samverkan.values import check_day, explain


def _fail(message: str) -> int:
    print(f"samverkan: {message}", file=sys.stderr)
    return 1


async def _ready() -> None:
    await database.migrate(get_settings())


def cmd_migrate(_: argparse.Namespace) -> int:
    asyncio.run(_ready())
    print("Databasen är uppdaterad.")
    return 0


def cmd_sweep(_: argparse.Namespace) -> int:
    """One sweep, for deployments where cron runs it instead of the app's own scheduler."""
    from samverkan.reminders.service import sweep

    async def run():
        await _ready()
        return await sweep(get_settings())

    result = asyncio.run(run())
    print(f"Planerade {result.planned} påminnelser och {result.digests} sammanfattningar; "
          f"skickade {result.sent}, misslyckade {result.failed}.")
    return 0


def _print_demo_logins() -> None:
    from samverkan.demo import DEMO_PASSWORD, LOGINS

    print(f"Demoinloggningar (lösenord: {DEMO_PASSWORD}):")
    for login in LOGINS:
        print(f"  {login.role:<11} {login.email}")


def cmd_demo(_: argparse.Namespace) -> int:
    from samverkan import demo

    async def run() -> dict:
        await _ready()
        return await demo.load()

    counts = asyncio.run(run())
    print("Demodata laddad: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    _print_demo_logins()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.demo:
        cmd_demo(args)
    else:
        asyncio.run(_ready())
    settings = get_settings()
    print(f"samverkan körs på http://{args.host}:{args.port}/  (databas: {'PostgreSQL' if settings.is_postgres else settings.sqlite_path})")
    if not settings.cookie_secure:
        print("Varning: SAMVERKAN_COOKIE_SECURE=false; använd bara så bakom HTTPS-proxy eller lokalt.")
    elif args.host not in {"127.0.0.1", "localhost", "::1"}:
        # Browsers store a Secure cookie over plain http only for localhost.
        print("Obs: inloggningen kräver HTTPS utom på localhost (eller SAMVERKAN_COOKIE_SECURE=false bakom en HTTPS-proxy).")
    uvicorn.run(
        "samverkan.app:create_app", factory=True, host=args.host, port=args.port, reload=args.reload,
        log_level=settings.log_level.lower(),
        proxy_headers=False,  # the app reads X-Forwarded-* itself, from SAMVERKAN_TRUSTED_PROXIES only
    )
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if sys.stdin.isatty():
        first = getpass.getpass("Lösenord (minst 10 tecken, tomt = bara API-nycklar): ")
        if first and getpass.getpass("Upprepa lösenordet: ") != first:
            raise ServiceError("lösenorden är olika", field="password")
        return first or None
    return None


def cmd_user_create(args: argparse.Namespace) -> int:
    from samverkan.accounts import service
    from samverkan.accounts.schemas import UserCreate
    from samverkan.orgs.tables import Department, TradeUnion

    password = _read_password(args)

    async def run():
        await _ready()
        department_id = union_id = None
        if args.department:
            row = await Department.select(Department.id).where(Department.code == args.department.upper()).first()
            if row is None:
                raise ServiceError(f"ingen förvaltning har koden {args.department!r}", field="department")
            department_id = row["id"]
        if args.union:
            rows = await TradeUnion.select(TradeUnion.id, TradeUnion.name)
            match = [r for r in rows if r["name"].casefold() == args.union.casefold()]
            if not match:
                raise ServiceError(f"inget fackförbund heter {args.union!r}", field="union")
            union_id = match[0]["id"]
        data = msgspec.convert(
            {"email": args.email, "name": args.name, "role": args.role, "department_id": department_id,
             "union_id": union_id, "password": password, "break_glass": args.break_glass},
            UserCreate,
        )
        return await service.create_user(data)

    user = asyncio.run(run())
    print(f"Användaren {user.email} ({user.role}) skapades med id {user.id}.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from samverkan.accounts import service
    from samverkan.accounts.schemas import ApiTokenCreate

    data = msgspec.convert({"label": args.label}, ApiTokenCreate)

    async def run() -> str:
        await _ready()
        token, _ = await service.create_token(await service.find_user_id(args.email), data.label)
        return token

    token = asyncio.run(run())
    print(f"API-nyckel för {args.email} (visas bara nu):")
    print(token)
    return 0


def cmd_deadline(args: argparse.Namespace) -> int:
    """Pure calculation: no database needed."""
    from samverkan.deadlines import service

    try:
        start = dt.date.fromisoformat(args.date)
    except ValueError:
        return _fail(f"from: {args.date!r} är inget giltigt datum (ÅÅÅÅ-MM-DD)")
    result = service.calculate(args.rule, check_day(start, "from"))
    if args.json:
        print(msgspec.json.encode(result).decode())
    else:
        print(f"{result.rule} från {result.from_.isoformat()}: fristen går ut {result.due.isoformat()}")
        if result.reason:
            print(result.reason)
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    """Make (or find) a document as an administrator would, and write the file."""
    from samverkan.accounts.service import Viewer
    from samverkan.documents import service
    from samverkan.documents.schemas import DocumentCreate

    async def run():
        await _ready()
        fields = {"kind": args.kind, "audience": args.audience, "item_id": args.item, "date": args.date}
        data = msgspec.convert({k: v for k, v in fields.items() if v is not None}, DocumentCreate)
        operator = Viewer(0, "", "samverkan render", "admin", None, None, None, "cli")
        made = await service.create_document(operator, args.meeting, data, get_settings())
        return await service.document_file(operator, made.id, get_settings())

    document, body = asyncio.run(run())
    with open(args.output, "wb") as fh:
        fh.write(body)
    print(f"{document.filename} (dokument {document.id}, sha256 {document.sha256}) skrevs till {args.output}.")
    return 0


def cmd_audit_verify(_: argparse.Namespace) -> int:
    """Walk the audit trail's hash chain; exit 1 naming the first entry that breaks it."""
    from samverkan.audit.service import verify

    async def run():
        await _ready()
        return await verify()

    count, broken, why = asyncio.run(run())
    if broken is not None:
        return _fail(f"loggen är bruten vid post {broken}: {why} ({count} poster före den stämmer)")
    print(f"Loggen är hel: {count} poster stämmer.")
    return 0


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1–65535, not {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samverkan", description="Samverkan och MBL för kommuner.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="migrera och starta webbtjänsten")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--demo", action="store_true", help="ladda demodata först")
    serve.add_argument("--reload", action="store_true", help="starta om vid kodändring (utveckling)")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="kör databasmigreringar").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="ladda demodata (går att köra flera gånger)").set_defaults(func=cmd_demo)

    user = sub.add_parser("user", help="användare").add_subparsers(dest="user_command", required=True, metavar="SUBCOMMAND")
    create = user.add_parser("create", help="skapa en användare")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=["admin", "hr", "department", "union"])
    create.add_argument("--department", metavar="CODE", help="förvaltningens kod (roll department)")
    create.add_argument("--union", metavar="NAME", help="fackförbundets namn (roll union)")
    create.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    create.add_argument("--break-glass", action="store_true",
                        help="nödkonto: loggar in med lösenord även när lösenordsinloggning är avstängd")
    create.set_defaults(func=cmd_user_create)

    deadline = sub.add_parser("deadline", help="räkna ut en frist enligt en regel")
    deadline.add_argument("rule", metavar="RULE_ID", help="t.ex. MBL16-MEET-LOCAL")
    deadline.add_argument("date", metavar="YYYY-MM-DD", help="dagen fristen räknas från")
    deadline.add_argument("--json", action="store_true", help="svara med JSON")
    deadline.set_defaults(func=cmd_deadline)

    sweep = sub.add_parser("sweep", help="planera och skicka påminnelser en gång (för cron)")
    sweep.add_argument("--once", action="store_true", required=True, help="kör ett svep och avsluta")
    sweep.set_defaults(func=cmd_sweep)

    render = sub.add_parser("render", help="ta fram ett dokument (Word) för ett möte")
    render.add_argument("kind", metavar="KIND", choices=["notice", "agenda", "protocol", "extract", "withdrawal_notice"],
                        help="notice, agenda, protocol, extract eller withdrawal_notice")
    render.add_argument("--meeting", type=int, required=True, metavar="ID", help="mötets id")
    render.add_argument("--audience", default="department", help="department (förval), union:ID eller all")
    render.add_argument("--item", type=int, metavar="ID", help="punktens id (protokollsutdrag)")
    render.add_argument("--date", metavar="YYYY-MM-DD", help="dagen kallelsen eller beskedet skickas (förval: i dag)")
    render.add_argument("--output", required=True, metavar="FILE", help="filen att skriva")
    render.set_defaults(func=cmd_render)

    audit = sub.add_parser("audit", help="loggen över ändringar").add_subparsers(dest="audit_command", required=True, metavar="SUBCOMMAND")
    audit.add_parser("verify", help="kontrollera att ingen post har ändrats eller tagits bort").set_defaults(func=cmd_audit_verify)

    token = sub.add_parser("token", help="API-nycklar").add_subparsers(dest="token_command", required=True, metavar="SUBCOMMAND")
    token_create = token.add_parser("create", help="skapa en API-nyckel; nyckeln står ensam på sista raden")
    token_create.add_argument("email")
    token_create.add_argument("--label", default="")
    token_create.set_defaults(func=cmd_token_create)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("piccolo").setLevel(logging.WARNING)
        return args.func(args)
    except SettingsError as exc:
        return _fail(str(exc))
    except ServiceError as exc:
        return _fail(f"{exc.field}: {exc.detail}" if exc.field else exc.detail)
    except msgspec.ValidationError as exc:
        return _fail(explain(str(exc)))
    except (OSError, ConnectionError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        return _fail(f"databasen: {exc}")
