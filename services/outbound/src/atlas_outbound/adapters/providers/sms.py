"""SMS through a Twilio-compatible REST API: ``POST {base}/2010-04-01/Accounts/{sid}/Messages.json``.

Basic auth (account SID, auth token). The StatusCallback URL carries our message id, so a delivery
callback can be matched even if the worker died before committing the provider's SID.
"""

from __future__ import annotations

from urllib.parse import urlencode

from urllib3.util import make_headers

from atlas_outbound.adapters.providers import Accepted, Account, SendFailed, SendRequest, sanitise
from atlas_outbound.adapters.providers.http import HTTPError, HttpPool
from atlas_outbound.domain.retry import Failure

STATUS_PATH = "/api/v1/webhooks/sms/status"


class TwilioSms:
    channel = "SMS"

    def __init__(self, base_url: str, public_url: str, timeout: float, http: HttpPool) -> None:
        self.base_url, self.public_url = base_url, public_url
        self.timeout = (min(3.05, timeout), timeout)
        self.http = http

    def send(self, request: SendRequest, account: Account) -> Accepted:
        url = f"{self.base_url}/2010-04-01/Accounts/{account.account}/Messages.json"
        form = {"To": request.to, "From": account.sender or "", "Body": request.text or "",
                "StatusCallback": f"{self.public_url}{STATUS_PATH}?messageId={request.message_id}"}
        try:
            headers = {**make_headers(basic_auth=f"{account.account}:{account.secret or ''}"),
                       "Content-Type": "application/x-www-form-urlencoded"}
            res = self.http.post(url, urlencode(form).encode(), headers, self.timeout)
        except HTTPError as exc:
            raise SendFailed(Failure(None, None, sanitise(f"{type(exc).__name__}: {exc}",
                                                          [account.secret]))) from None
        data = res.json()
        if res.status_code < 300 and data.get("sid"):
            return Accepted(str(data["sid"]), res.status_code,
                            {k: data.get(k) for k in ("sid", "status", "to", "date_created")})
        code = str(data["code"]) if data.get("code") is not None else None
        message = data.get("message") or res.reason or f"HTTP {res.status_code}"
        raise SendFailed(Failure(res.status_code, code, sanitise(str(message), [account.secret])),
                         {k: data.get(k) for k in ("code", "message", "status", "more_info") if k in data})
