"""Email over SMTP (smtplib). The Message-ID we set is the provider message id."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from atlas_outbound.adapters.providers import Accepted, Account, SendFailed, SendRequest, sanitise
from atlas_outbound.domain.retry import Failure


class SmtpEmail:
    channel = "EMAIL"

    def __init__(self, host: str | None, port: int, user: str | None, password: str | None,
                 starttls: bool, default_from: str, timeout: float) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.starttls, self.default_from, self.timeout = starttls, default_from, timeout

    @property
    def configured(self) -> bool:
        return bool(self.host)

    def build(self, request: SendRequest, account: Account) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = formataddr((account.sender, account.account)) if account.sender else \
            (account.account or self.default_from)
        mail["To"] = request.to
        mail["Subject"] = request.subject or ""
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = f"<{request.message_id}@atlas-outbound>"
        mail.set_content(request.text or "")
        return mail

    def send(self, request: SendRequest, account: Account) -> Accepted:
        mail = self.build(request, account)
        try:
            with smtplib.SMTP(self.host or "", self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if self.starttls and smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(mail)
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc)
            raise SendFailed(Failure(None, str(exc.smtp_code), sanitise(text, [self.password]))) from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise SendFailed(Failure(None, str(code), sanitise(text.decode(errors="replace"), []))) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise SendFailed(Failure(None, None, sanitise(f"{type(exc).__name__}: {exc}",
                                                          [self.password]))) from None
        if refused:
            raise SendFailed(Failure(None, "550", f"recipient refused: {refused}"))
        return Accepted(mail["Message-ID"].strip("<>"), None, {"messageId": mail["Message-ID"]})
