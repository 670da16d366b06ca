"""A base for management commands whose help texts and errors are translated."""

import sys

from django.core.management.base import BaseCommand, CommandError


class TranslatedCommand(BaseCommand):
    """A command whose ``help`` may be a lazy translation.

    argparse runs regular expressions over the description, which fail on a
    lazy string, so the help is rendered to text when the parser is built.
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def execute(self, *args, **options):
        """Run the command. On the command line a refusal prints its translated reason alone, without the class name."""
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if not self._called_from_command_line or options.get("traceback"):
                raise
            self.stderr.write(str(error))
            sys.exit(error.returncode)
