"""The server of a kept LibreOffice: run by ``pbgen.office_pool`` under LibreOffice's own Python
(Debian's python3 with python3-uno, the python LibreOffice bundles on Windows and macOS), never
imported by pbgen, whose Python cannot load LibreOffice's UNO library.

    python office_bridge.py UNOSERVER_FOLDER PIPE_NAME SOFFICE_COMMAND...

It starts LibreOffice (``SOFFICE_COMMAND``, which listens on the UNO pipe ``PIPE_NAME``), connects
to it with unoserver's converter, and serves unoserver's XML-RPC ``convert`` on a free port of
127.0.0.1; then prints ``ready <office pid> <port>``. A pipe, not a TCP port, joins it to
LibreOffice: a pipe is found however LibreOffice's network is cut off. It ends LibreOffice and
itself when pbgen closes its standard input or dies (however: the pipe closes), and when
LibreOffice ends. When it cannot serve it prints ``error <why>`` and exits: 3 when this Python
has no UNO, 4 when LibreOffice did not start.

unoserver's own server is not used as is: it waits a fixed 7 s for LibreOffice to start and
reaches it only by TCP. Its converter (loading a document from bytes, exporting with filter
options) is.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from xmlrpc.server import SimpleXMLRPCServer

START_SECONDS = 60  # LibreOffice's time to start (a new profile: a few seconds)


def main(argv: list[str]) -> int:
    unoserver_folder, pipe, command = argv[0], argv[1], argv[2:]
    sys.path.insert(0, unoserver_folder)  # unoserver as pbgen installed it: pure Python
    try:
        import uno  # noqa: F401
        from unoserver.converter import UnoConverter
    except ImportError as error:
        print(f"error no-uno {error}", flush=True)
        return 3

    from com.sun.star.beans import PropertyValue

    class HiddenDesktop:
        """LibreOffice's desktop, loading every document hidden, as ``soffice --convert-to``
        does: no window, toolbars or sidebar to build (the first document took 1.1 s, not
        0.4)."""

        def __init__(self, desktop):
            self.desktop = desktop

        def loadComponentFromURL(self, url, target, flags, properties):
            hidden = PropertyValue(Name="Hidden", Value=True)
            return self.desktop.loadComponentFromURL(url, target, flags, (*properties, hidden))

    class PipeConverter(UnoConverter):
        """unoserver's converter, reaching LibreOffice by a named pipe."""

        def __init__(self, pipe: str):
            import uno as uno_module

            self.local_context = uno_module.getComponentContext()
            resolver = self.local_context.ServiceManager.createInstanceWithContext(
                "com.sun.star.bridge.UnoUrlResolver", self.local_context
            )
            self.context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            self.service = self.context.ServiceManager
            self.desktop = HiddenDesktop(
                self.service.createInstanceWithContext("com.sun.star.frame.Desktop", self.context)
            )
            self.filter_service = self.service.createInstanceWithContext(
                "com.sun.star.document.FilterFactory", self.context
            )
            self.type_service = self.service.createInstanceWithContext(
                "com.sun.star.document.TypeDetection", self.context
            )
            self.temp_dir = None
            self._export_filters = None
            self._import_filters = None

    office = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **_own_group(),
    )
    threading.Thread(target=_until_stdin_closes, args=(office,), daemon=True).start()
    converter, deadline = None, time.monotonic() + START_SECONDS
    while converter is None:
        try:
            converter = PipeConverter(pipe)
        except Exception as error:  # UNO's NoConnectException: not listening yet
            if office.poll() is not None or time.monotonic() > deadline:
                _end(office)
                print(f"error start {type(error).__name__} {office.returncode}", flush=True)
                return 4
            time.sleep(0.02)

    server = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)

    def convert(indata, convert_to, filter_options, update_index=False):
        return converter.convert(
            indata=indata.data,
            convert_to=convert_to,
            filter_options=filter_options,
            update_index=update_index,
        )

    server.register_function(convert)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"ready {office.pid} {server.server_address[1]}", flush=True)
    office.wait()
    _end(office)
    return 0


def _own_group() -> dict:
    """LibreOffice in a process group of its own: ``soffice`` is a launcher, and the group ends
    with every process it started."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _until_stdin_closes(office: subprocess.Popen) -> None:
    """pbgen holds our standard input: when it closes, pbgen is done, or gone."""
    sys.stdin.buffer.read()
    _end(office)
    os._exit(0)


def _end(office: subprocess.Popen) -> None:
    """End LibreOffice and every process it started."""
    if os.name == "nt":
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(office.pid)], capture_output=True, check=False
        )
    else:
        with contextlib.suppress(OSError):
            os.killpg(office.pid, signal.SIGKILL)
    office.wait()


if __name__ == "__main__":
    code = main(sys.argv[1:])
    os._exit(code)  # not Python's finalization: UNO's would wait ~1 s on the ended LibreOffice
