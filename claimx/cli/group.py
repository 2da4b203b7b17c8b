"""The ``claimx`` command group: its exit codes, and how library errors, signals and a
closed stdout become them."""

from __future__ import annotations

import errno
import os
import sys
from typing import IO, Any

import click

from .. import __version__
from ..errors import ClaimxError, ModelError
from ..run import Terminated, sigterm_raises


class Fatal(click.ClickException):
    """An error that ends the run: one line on stderr, exit 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``claimx: error: …`` on stderr."""
        click.echo(f"claimx: error: {self.format_message()}", err=True)


#: Exit codes, as the README documents them.
EXIT_FAILED = 1  # some input could not be read or parsed (the rest were), or a fatal error
EXIT_USAGE = 2  # a bad option or a missing path (click's own code)
EXIT_NO_INPUT = 3  # no article to read: the folders hold no file matching --glob
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_BROKEN_PIPE = 141  # stdout closed before the end (`| head`): 128 + SIGPIPE, as shells say
EXIT_TERMINATED = 143  # SIGTERM (timeout, a supervisor): 128 + 15
# What writing stdout meets on a full or failing disk (/dev/full, a quota).
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


class ClaimxGroup(click.Group):
    """Turns library errors into one-line messages, and signals and a closed stdout into
    quiet exits with their own codes."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand, translating claimx errors and interrupts into exit codes."""
        try:
            with sigterm_raises():
                return super().invoke(ctx)
        except Terminated:
            raise click.exceptions.Exit(EXIT_TERMINATED) from None
        except KeyboardInterrupt:
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # the reader is gone; point stdout at /dev/null so that the flush at exit is quiet
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            if exc.errno not in _FULL:
                raise
            # stdout on a full disk (files below -o and databases say so themselves); quiet
            # the flush at exit, which would meet the same error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise Fatal(f"cannot write to stdout ({exc.strerror}); free space there") from None
        except ModelError as exc:
            # The library's fix names the ``model`` parameter; users of the CLI have a flag.
            fix = "; install it (pip install …) or pass --model with another pipeline"
            raise Fatal(exc.problem + (fix if exc.other_model else "")) from exc
        except ClaimxError as exc:
            raise Fatal(str(exc)) from exc


@click.group(cls=ClaimxGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="claimx")
def cli() -> None:
    """Extract attributed claims (who said what, about whom, for or against) from news."""
