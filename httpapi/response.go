package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/trailguide/trailguide"
)

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeJSON reads r's body (at most MaxJSONBytes) into v. A body that is not
// a JSON object of the expected shape is EINVALID with reason "body".
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxJSONBytes)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return trailguide.Errorf(trailguide.ETOOLARGE, "Request body too large.")
		}
		return trailguide.Invalid("body", "Request body is not valid JSON.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return trailguide.Invalid("body", "Request body has trailing data.")
	}
	return nil
}
