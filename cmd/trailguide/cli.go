package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// setUsage makes fs print a command's help the way this CLI spells flags
// (--name): the synopsis, what it does, then each flag with its value name,
// its default and its help. `trailguide CMD --help` prints it to stdout
// and exits 0; a wrong flag prints it to stderr after the error, exit 2.
func setUsage(fs *flag.FlagSet, out io.Writer, synopsis, about string) {
	fs.Usage = func() {
		w := fs.Output()
		if w == nil {
			w = out
		}
		fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags:\n", synopsis, strings.TrimSpace(about))
		fs.VisitAll(func(f *flag.Flag) {
			name, usage := flag.UnquoteUsage(f)
			line := "  --" + f.Name
			if name != "" {
				line += " " + name
			}
			if f.DefValue != "" && f.DefValue != "false" {
				usage += fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(w, "%-28s %s\n", line, usage)
		})
	}
}

// UsageError is a command line that does not parse (an unknown flag, a bad
// value): exit status 2, like a FieldError.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// parseFlags parses args into fs and refuses positional arguments; --help
// comes back as flag.ErrHelp (exit 0), anything else wrong as a UsageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &UsageError{err}
	}
	if fs.NArg() > 0 {
		return &UsageError{fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}

// usageErr wraps a flag parse error as a UsageError (exit 2); --help stays
// flag.ErrHelp (exit 0).
func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return &UsageError{err}
}
