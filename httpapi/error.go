package httpapi

import (
	"errors"
	"net/http"

	"github.com/trailguide/trailguide"
)

// codeStatus is the one table from root error codes to HTTP status codes
// (docs/API.md). A code missing here is a bug and answers 500.
var codeStatus = map[string]int{
	trailguide.EINVALID:      http.StatusBadRequest,
	trailguide.EUNAUTHORIZED: http.StatusUnauthorized,
	trailguide.EFORBIDDEN:    http.StatusForbidden,
	trailguide.ENOTFOUND:     http.StatusNotFound,
	trailguide.ECONFLICT:     http.StatusConflict,
	trailguide.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	trailguide.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	trailguide.ERATELIMITED:  http.StatusTooManyRequests,
	trailguide.EUNAVAILABLE:  http.StatusServiceUnavailable,
	trailguide.EINTERNAL:     http.StatusInternalServerError,
}

// Default Retry-After values (seconds) when a handler did not set a more
// precise one before calling Error.
var retryAfter = map[int]string{
	http.StatusTooManyRequests:    "60",
	http.StatusServiceUnavailable: "5",
}

// ErrorStatus returns the HTTP status for err's code.
func ErrorStatus(err error) int {
	if status, ok := codeStatus[trailguide.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// errorBody is the one JSON error shape of every endpoint.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
	Reason  string `json:"reason,omitempty"`
}

// Error writes err as {"error","message","reason"} with the status from
// codeStatus. Internal errors are logged with their text and answered with
// the generic message only.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := trailguide.ErrorCode(err)
	status, ok := codeStatus[code]
	if !ok {
		s.logger.Error("unknown error code", "code", code, "err", err)
		code, status = trailguide.EINTERNAL, http.StatusInternalServerError
	}
	body := errorBody{Error: code, Message: trailguide.ErrorMessage(err), Reason: trailguide.ErrorReason(err)}
	if status == http.StatusInternalServerError && r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
		// The client went away mid-request; nobody reads this answer and
		// it is no server fault worth an error log.
		s.logger.Debug("request cancelled", "method", r.Method, "path", r.URL.Path, "err", err)
		code, status = trailguide.EUNAVAILABLE, http.StatusServiceUnavailable
		body = errorBody{Error: code, Message: "Request cancelled."}
	} else if status == http.StatusInternalServerError {
		s.logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		body = errorBody{Error: trailguide.EINTERNAL, Message: "Internal error."}
	} else {
		s.logger.Debug("request error", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	if v, ok := retryAfter[status]; ok && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", v)
	}
	writeJSON(w, status, body)
}
