"""A localhost HTTPS certificate for ``budget-xl serve --install-cert``, made with ``cryptography``.

Office.js add-ins load only over HTTPS with a certificate the computer trusts. Like mkcert, but with no
download: a small certificate authority of this computer signs a certificate for localhost and
127.0.0.1, the authority is added to the *current user's* trusted roots (Windows: ``certutil -user``,
which asks once; macOS: the login keychain), and its private key is thrown away, so it cannot sign
anything else. On Linux nothing is changed system-wide: the command says how to trust it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
import sys
from pathlib import Path

from budget_xl.errors import InputError

CA_FILE, CERT_FILE, KEY_FILE = "budget-xl-ca.pem", "cert.pem", "key.pem"
CA_NAME = "预算公开助手 本机证书颁发机构"
DAYS = 825  # the longest validity browsers accept for a server certificate
RENEW_DAYS = 30


def default_folder() -> Path:
    base = os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None
    if not base:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "budget-xl" / "certs"


def make_localhost_cert(folder: Path, now: dt.datetime | None = None) -> tuple[Path, Path, Path]:
    """Write (authority, certificate, key) into ``folder``; returns their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = now or dt.datetime.now(dt.timezone.utc)
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "budget-xl")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=DAYS))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=DAYS))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.IPAddress(ipaddress.ip_address("::1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    paths = folder / CA_FILE, folder / CERT_FILE, folder / KEY_FILE
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(cert.public_bytes(pem) + ca.public_bytes(pem))  # the chain, leaf first
    paths[2].write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    if sys.platform != "win32":
        os.chmod(paths[2], 0o600)
    return paths


def still_good(folder: Path, now: dt.datetime | None = None) -> bool:
    """A certificate made earlier that is valid for another month (so it stays the trusted one)."""
    from cryptography import x509

    p = folder / CERT_FILE
    if not (p.is_file() and (folder / KEY_FILE).is_file() and (folder / CA_FILE).is_file()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(p.read_bytes())
    except ValueError:
        return False
    now = now or dt.datetime.now(dt.timezone.utc)
    return cert.not_valid_after_utc - now > dt.timedelta(days=RENEW_DAYS)


def trust_command(ca: Path) -> list[str] | None:
    """The command that adds the authority to the current user's trusted roots, where there is one."""
    if sys.platform == "win32":
        return ["certutil", "-user", "-addstore", "Root", str(ca)]
    if sys.platform == "darwin":
        return ["security", "add-trusted-cert", "-r", "trustRoot", "-k",
                str(Path.home() / "Library" / "Keychains" / "login.keychain-db"), str(ca)]
    return None


def install_cert(folder: Path | None = None, *, trust: bool = True) -> Path:
    """Make (or keep) the localhost certificate in ``folder`` and trust it for this user; returns the folder."""
    folder = folder or default_folder()
    if still_good(folder):
        print(f"沿用已有的本机证书：{folder}")
        return folder
    ca, _cert, _key = make_localhost_cert(folder)
    print(f"已生成本机证书：{folder}")
    cmd = trust_command(ca) if trust else None
    if cmd is None:
        print("请让浏览器信任证书颁发机构文件（本程序不改动系统证书库）："
              f"{ca}（Linux 下 Chrome/Edge：certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n budget-xl -i {ca}）")
        return folder
    print("正在把证书加入当前用户信任的根证书（Windows 会弹出确认对话框，请点“是”）……")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise InputError(f"无法信任证书（{e}）：请手工导入 {ca}（见 README“在 Excel 里使用”）。") from None
    if done.returncode != 0:
        raise InputError(f"信任证书未完成（可能点了“否”）：请重新运行，或手工导入 {ca}。")
    return folder


def check_pair(cert: Path, key: Path, now: dt.datetime | None = None) -> None:
    """Refuse, in Chinese, a certificate and key that cannot serve HTTPS: unreadable, not matching, expired."""
    from budget_xl.inputs import MAX_SMALL_BYTES, require_size

    require_size(cert, MAX_SMALL_BYTES, "证书文件")  # a FIFO would hang OpenSSL, a device never ends
    require_size(key, MAX_SMALL_BYTES, "私钥文件")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        ctx.load_cert_chain(str(cert), str(key))
    except ssl.SSLError as e:
        raise InputError(f"证书和私钥无法使用（{e.reason or e}）：应为配套的 PEM 文件（私钥不能有密码）。"
                         "可以用 budget-xl serve --install-cert 重新生成。", file=str(cert)) from None
    except OSError as e:
        from budget_xl.inputs import read_reason

        raise InputError(f"无法读取证书或私钥（{read_reason(e)}）。", file=str(e.filename or cert)) from None
    from cryptography import x509

    first = x509.load_pem_x509_certificate(cert.read_bytes())
    now = now or dt.datetime.now(dt.timezone.utc)
    if first.not_valid_after_utc < now:
        raise InputError(f"证书已于 {first.not_valid_after_utc:%Y-%m-%d} 过期：请换新证书，"
                         "或用 budget-xl serve --install-cert 重新生成。", file=str(cert))
