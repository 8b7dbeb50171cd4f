package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
	"github.com/trailguide/trailguide/password"
	"github.com/trailguide/trailguide/sqlite"
)

// userCreate adds a dashboard account to an organisation (the default one
// unless --org names another, which is created when missing); the password is the first line of
// stdin so that it never shows up in the process list or shell history.
func userCreate(ctx context.Context, cfg UserCreateConfig, stdin io.Reader, stdout, stderr io.Writer) error {
	fmt.Fprint(stderr, "Password (one line on stdin): ")
	line, err := bufio.NewReader(io.LimitReader(stdin, 64<<10)).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read password: %w", err)
	}
	fmt.Fprintln(stderr)
	pw := strings.TrimRight(line, "\r\n")
	if err := httpapi.ValidatePassword(pw); err != nil {
		return fmt.Errorf("password: %s", trailguide.ErrorMessage(err))
	}
	email := strings.TrimSpace(cfg.Email)
	if err := httpapi.ValidateEmail(email); err != nil {
		return &FieldError{"email", trailguide.ErrorMessage(err)}
	}
	name := strings.TrimSpace(cfg.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	hash, err := password.Hash(pw, password.DefaultParams)
	if err != nil {
		return err
	}

	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := openBackends(ctx, withDataDir(cfg.Backend, cfg.DataDir), logger)
	if err != nil {
		return err
	}
	defer st.Close()
	users := st.Users
	if cfg.Org == trailguide.DefaultOrgID {
		if err := httpapi.EnsureDefaultOrg(ctx, users, time.Now()); err != nil {
			return err
		}
	} else if err := users.CreateOrg(ctx, &trailguide.Org{ID: cfg.Org, Name: cfg.Org}); err != nil && trailguide.ErrorCode(err) != trailguide.ECONFLICT {
		return fmt.Errorf("create organisation: %w", err)
	}
	u := &trailguide.User{
		ID:           httpapi.NewID(),
		OrgID:        cfg.Org,
		Email:        email,
		Name:         name,
		Role:         cfg.Role,
		PasswordHash: hash,
		CreatedAt:    time.Now().UTC(),
	}
	if err := users.CreateUser(ctx, u); err != nil {
		if trailguide.ErrorCode(err) == trailguide.ECONFLICT {
			return fmt.Errorf("a user with email %s already exists", email)
		}
		return fmt.Errorf("create user: %w", err)
	}
	fmt.Fprintf(stdout, "Created %s %s (%s) in organisation %s\n", u.Role, u.Email, u.ID, u.OrgID)
	return nil
}

// openDB opens (creating if needed) the SQLite database in dataDir.
func openDB(dataDir string, logger *slog.Logger) (*sqlite.DB, error) {
	if err := ensureDir(dataDir); err != nil {
		return nil, err
	}
	db, err := sqlite.Open(filepath.Join(dataDir, "trailguide.db"), logger)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}
