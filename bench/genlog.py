"""Deterministic generator of a Jira-style log: healthy noise, stack traces, JSON lines,
near-misses, and sparse real failures taken from the seed documents.

Used for the bundled example (examples/atlassian-jira.log) and the scan benchmark.
Same seed and size => byte-identical output.

    python bench/genlog.py OUT.log --size 1G [--seed 7] [--error-every 20000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

THREADS = ["http-nio-8080-exec-{n}", "https-jsse-nio-8443-exec-{n}", "Caesium-1-{n}", "QuartzScheduler_Worker-{n}",
           "ajp-nio-127.0.0.1-8009-exec-{n}", "HealthCheck:thread-{n}", "localq-reader-{n}"]
USERS = ["admin", "jsmith", "mlopez", "kwong", "anonymous", "svc-jira"]
NOISE = [
    "INFO {user} {req} {ip} /rest/api/2/issue/{proj}-{num} [c.a.jira.index.request.DefaultReindexRequestManager] Reindex request processed in {ms} ms",
    "INFO ServiceRunner     [c.a.j.s.i.index.DefaultIndexManager] Index optimisation completed for {num} documents",
    "DEBUG {user} {req} {ip} /secure/Dashboard.jspa [c.a.jira.plugin.webfragment.DefaultWebFragmentContext] Rendering gadget {num}",
    "INFO {user} {req} {ip} /rest/oauth2-client/latest/config [c.a.o.c.rest.resource.ClientConfigurationResource] Listing OAuth 2.0 integrations",
    "INFO ServiceRunner     [c.a.jira.service.services.mail.MailFetcherService] Mail fetcher 'Help Desk Handler' fetched {small} messages from outlook.office365.com",
    "WARN ServiceRunner     [c.a.jira.cluster.lock.DatabaseClusterLockManager] Lock 'index-{num}' held for {ms} ms",
    "INFO {user} {req} {ip} /rest/servicedesk/1/servicedesk/{proj}/incomingemail [c.a.s.i.rest.emailchannel.EmailChannelResource] Email channel status OK",
    "INFO ServiceRunner     [c.a.oauth2.client.token.DefaultTokenRefresher] OAuth token refreshed successfully for integration {uuid}",
    "DEBUG ServiceRunner     [c.a.jira.mail.MailServerManager] Connecting to imap.example.org:993 (IMAPS) with OAuth 2.0",
    "INFO {user} {req} {ip} /secure/admin/IncomingMailServers.jspa [c.a.j.web.action.admin.mail.ViewMailServers] Viewed incoming mail servers",
    "WARN {user} {req} {ip} /rest/api/2/search [c.a.jira.issue.search.providers.LuceneSearchProvider] Slow query took {ms} ms: project = {proj}",
    "INFO Caesium-1-1 ServiceRunner     [c.a.j.p.h.service.HealthCheckProcess] Health check 'Base URL' passed",
    "DEBUG {user} {req} {ip} /rest/analytics/1.0/publish/bulk [c.a.analytics.client.EventPublisher] {{\"events\":[{{\"name\":\"jira.issue.viewed\",\"id\":{num},\"properties\":{{\"ms\":{ms}}}}}]}}",
    "INFO ServiceRunner     [c.a.crowd.directory.DbCachingRemoteDirectory] Incremental sync completed in {ms} ms",
]
# Healthy lines that share words with real failures (as in the research corpus: about 1 in 2,000).
NEAR_MISSES = [
    "INFO ServiceRunner     [c.a.jira.security.ssl.TrustStoreManager] PKIX validation enabled for outbound HTTPS connections",
    "INFO ServiceRunner     [c.a.oauth2.client.token.DefaultTokenRefresher] Token refreshed; AADSTS500113x is not a known code",
    "DEBUG ServiceRunner     [c.a.jira.mail.MailFetcherService] AUTHENTICATE XOAUTH2 accepted by imap.example.org",
    "INFO ServiceRunner     [c.a.jira.web.filters.ProxyFilter] Proxy returns HTTP/1.1 200 Connection established",
]
TRACE_NOISE = [
    "WARN {user} {req} {ip} /rest/api/2/issue/{proj}-{num} [c.a.jira.rest.v2.issue.IssueResource] Issue not found\n"
    "com.atlassian.jira.exception.IssueNotFoundException: Issue {proj}-{num} does not exist\n"
    "\tat com.atlassian.jira.issue.IssueFinderImpl.find(IssueFinderImpl.java:81)\n"
    "\tat com.atlassian.jira.rest.v2.issue.IssueResource.getIssue(IssueResource.java:212)\n"
    "\tat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method) [?:1.8.0_292]\n"
    "\tat java.lang.reflect.Method.invoke(Method.java:498) [?:1.8.0_292]",
    "ERROR ServiceRunner     [c.a.jira.service.ServiceRunner] Unexpected error in service 'Backup Service'\n"
    "java.lang.IllegalStateException: Backup directory is not writable\n"
    "\tat com.atlassian.jira.bc.dataimport.DefaultExportService.export(DefaultExportService.java:141)\n"
    "\tat com.atlassian.jira.service.services.export.ExportService.run(ExportService.java:73)\n"
    "\t... 12 more",
]
# Failures, verbatim in substance from the seed documents (001, 003), as a Jira log writes them.
FAILURES = [
    "ERROR julien 755x4397x2 lyskqh 127.0.0.1 /rest/oauth2-client/latest/config/flow/d4ec2ed5-fa07-4e3d-948d-0ce99fb20a40 [c.a.o.c.rest.resource.ClientConfigurationResource] Error occurred while authorizing an integration. The error message is: Error when fetching authorization response: {\"error_description\":\"AADSTS50194: Application '79c86cf8-e761-4fdc-bc20-a629c5d04260'(Single Tenant - Test) is not configured as a multi-tenant application. Usage of the \\/common endpoint is not supported for such applications created after '10\\/15\\/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.\\r\\nTrace ID: d7599cf0-813f-4495-8317-577479857f00\\r\\nCorrelation ID: 34687097-cd9a-4300-9639-b561f5effd26\\r\\nTimestamp: 2021-11-16 11:35:47Z\", \"error\":\"invalid_request\"}",
    "ERROR testuser 1037x178772x2 1vgh9dz 10.0.0.7 /rest/oauth2-client/latest/config/flow/a5c88fb2-8edc-4f6c-b496-190405222009 [c.a.o.c.rest.resource.ClientConfigurationResource] Error occurred while authorizing an integration. The error message is: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'a5c88fb2-8edc-4f6c-b496-190405222009'. Trace ID: a5bbfead-d47d-4da5-8ad6-f097ed7e8b00 Correlation ID: 6f0462af-0baa-40ce-b62d-0723e5e7f2a8 Timestamp: 2021-02-04 17:17:16Z",
    "ERROR NPUEMA 575x5172383x2 1jg282h 10.146.17.33\n/rest/oauth2-client/latest/config/flow/dd20be92-0b16-4692-a587-a0dceb4d1095 [c.a.o.c.rest.resource.ClientConfigurationResource]\nError occurred while authorizing an integration. The error message is:\njava.io.IOException: Unable to tunnel through proxy. Proxy returns \"HTTP/1.1 407 Proxy Authentication Required\"",
    "ERROR admin 764x277853x2 abcdefg 10.0.0.9 /rest/oauth2-client/latest/config/flow/5174c727-52c0-4f2a-96b5-d0ca61a1ccd2 [c.a.o.c.rest.resource.ClientConfigurationResource] Error occurred while authorizing an integration. The error message is: javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
    "ERROR ServiceRunner     Help Desk Handler[10100]: Messaging Exception in service 'com.atlassian.jira.service.services.mail.MailFetcherService$MessageProviderImpl' when getting mail: A3 BAD User is authenticated but not connected.\njavax.mail.MessagingException: A3 BAD User is authenticated but not connected.;\n  nested exception is:\n\tcom.sun.mail.iap.BadCommandException: A3 BAD User is authenticated but not connected.\n\tat com.sun.mail.imap.IMAPFolder.open(IMAPFolder.java:961)\n\tat com.atlassian.jira.service.services.mail.MailFetcherService$MessageProviderImpl.getAndProcessMail(MailFetcherService.java:254)\n\tat org.quartz.core.JobRunShell.run(JobRunShell.java:195)\nCaused by: com.sun.mail.iap.BadCommandException: A3 BAD User is authenticated but not connected.",
    "ERROR ServiceRunner     [c.a.jira.mail.MailFetcherService] Unable to connect to mail server outlook.office365.com\njavax.mail.AuthenticationFailedException: AUTHENTICATE failed.\n\tat com.sun.mail.imap.IMAPStore.protocolConnect(IMAPStore.java:732)\n\tat javax.mail.Service.connect(Service.java:366)",
    "ERROR ServiceRunner     [c.a.oauth2.client.token.DefaultTokenRefresher] OAuth token is unrecoverable - manual re-authorisation required\ncom.atlassian.oauth2.client.api.storage.token.exception.UnrecoverableTokenException: Token already marked as invalid\n\tat com.atlassian.oauth2.client.storage.token.DefaultTokenHandler.getRefreshedToken(DefaultTokenHandler.java:84)",
]


def _fmt(rng: random.Random, template: str) -> str:
    return template.format(
        user=rng.choice(USERS), req=f"{rng.randint(100, 999)}x{rng.randint(1000, 99999)}x{rng.randint(1, 9)}",
        ip=f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}", proj=rng.choice(["HD", "OPS", "ABC", "SUP"]),
        num=rng.randint(1, 99999), ms=rng.randint(1, 4000), small=rng.randint(0, 9),
        uuid=f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-a{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}",
    )


def generate(out: object, size: int, seed: int = 7, error_every: int = 2000,
             start: datetime = datetime(2021, 11, 16, 8, 0, 0)) -> tuple[int, int]:
    """Write about ``size`` bytes; returns (lines, failures injected)."""
    rng = random.Random(seed)
    pool = [_fmt(rng, rng.choice(NOISE)) for _ in range(4000)]
    traces = [_fmt(rng, rng.choice(TRACE_NOISE)) for _ in range(200)]
    written = lines = failures = 0
    t = start
    write = out.write  # type: ignore[attr-defined]
    buf: list[str] = []
    while written < size:
        t += timedelta(milliseconds=rng.randint(1, 900))
        stamp = t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}+0100 "
        thread = rng.choice(THREADS).format(n=rng.randint(1, 40))
        lines += 1
        if lines % error_every == 0:
            body = rng.choice(FAILURES)
            failures += 1
        elif lines % 97 == 0:
            body = rng.choice(traces)
        elif lines % 1999 == 0:
            body = rng.choice(NEAR_MISSES)
        else:
            body = pool[rng.randrange(len(pool))]
        line = f"{stamp}{thread} {body}\n"
        buf.append(line)
        written += len(line)
        if len(buf) >= 4096:
            write("".join(buf))
            buf.clear()
    write("".join(buf))
    return lines, failures


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    t = text.strip().upper().rstrip("B").rstrip("I")
    return int(float(t[:-1]) * units[t[-1]]) if t and t[-1] in units else int(t)


DATA = Path(__file__).resolve().parent / "data"


def ensure_log(size: str, seed: int = 7, error_every: int = 20000) -> Path:
    """The benchmark log for these settings, generated once into bench/data/."""
    DATA.mkdir(exist_ok=True)
    log = DATA / f"jira-{size}-s{seed}-e{error_every}.log"
    if not log.exists():
        t = time.perf_counter()
        with open(log, "w", encoding="utf-8", newline="\n") as f:
            lines, failures = generate(f, parse_size(size), seed, error_every)
        print(f"generated {log.name}: {lines} records, {failures} failures in {time.perf_counter() - t:.0f}s")
    return log


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--size", default="1M")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--error-every", type=int, default=2000)
    a = ap.parse_args()
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        lines, failures = generate(f, parse_size(a.size), a.seed, a.error_every)
    sys.stderr.write(f"wrote {a.out}: {lines} records, {failures} failures\n")


if __name__ == "__main__":
    main()
