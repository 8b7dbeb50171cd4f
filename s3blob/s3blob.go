// Package s3blob implements trailguide.BlobStore on any S3-compatible object
// store (AWS S3, MinIO, versitygw, Ceph RGW, R2...) with the minio-go client
// (Apache-2.0).
//
// Objects are named Prefix + key, and the keys Trailguide writes start with
// the project id ("<project>/<session>/<window>/c-….zst", "<project>/assets/…"),
// so one bucket can hold several installations (different prefixes) and a
// project's objects share one listing prefix. A Put of more than PartSize
// bytes is a multipart upload; S3 makes an object visible only once it is
// complete, so a reader sees a whole version or none. Requests that fail
// with a network error or a 5xx are retried with exponential backoff
// (MaxRetries); what still fails is EUNAVAILABLE, so that ingest answers 503
// and the SDK tries again later.
package s3blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/trailguide/trailguide"
)

// MaxKeyLen is the longest key accepted, in bytes (as fileblob).
const MaxKeyLen = 512

// Default settings.
const (
	DefaultPartSize   = 8 << 20 // S3's minimum part is 5 MiB
	DefaultMaxRetries = 5
)

// Config says where the blobs go.
type Config struct {
	// Endpoint is the service's URL, "https://s3.eu-west-1.amazonaws.com"
	// or "http://127.0.0.1:7070"; http means no TLS.
	Endpoint  string
	Region    string
	Bucket    string
	AccessKey string
	SecretKey string
	// Prefix is put before every key ("" for none; a trailing slash is
	// added when missing).
	Prefix string
	// PathStyle addresses the bucket in the path (what most self-hosted
	// services need) instead of the host name.
	PathStyle bool
	// PartSize is the multipart threshold and part size (DefaultPartSize
	// when 0; at least 5 MiB).
	PartSize uint64
	// MaxRetries bounds the retries of one request (DefaultMaxRetries when
	// 0).
	MaxRetries int
	// CreateBucket creates the bucket when it does not exist.
	CreateBucket bool
}

// BlobStore is a BlobStore on one bucket.
type BlobStore struct {
	client   *minio.Client
	bucket   string
	prefix   string
	partSize uint64
}

var _ trailguide.BlobStore = (*BlobStore)(nil)

// New connects to the service and checks that the bucket exists (creating
// it when cfg.CreateBucket).
func New(ctx context.Context, cfg Config) (*BlobStore, error) {
	if cfg.Endpoint == "" {
		return nil, trailguide.Invalid("endpoint", "S3 endpoint required.")
	}
	if cfg.Bucket == "" {
		return nil, trailguide.Invalid("bucket", "S3 bucket required.")
	}
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, trailguide.Invalid("endpoint", "S3 endpoint must be an http or https URL.")
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.PartSize < 5<<20 {
		return nil, trailguide.Invalid("part_size", "S3 part size must be at least 5 MiB.")
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       cfg.Region,
		BucketLookup: lookup,
		MaxRetries:   cfg.MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 client: %w", err)
	}
	s := &BlobStore{client: client, bucket: cfg.Bucket, partSize: cfg.PartSize, prefix: cfg.Prefix}
	if s.prefix != "" && !strings.HasSuffix(s.prefix, "/") {
		s.prefix += "/"
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, classify("check bucket "+cfg.Bucket, err)
	}
	if !ok {
		if !cfg.CreateBucket {
			return nil, trailguide.Errorf(trailguide.ENOTFOUND, "S3 bucket %q does not exist.", cfg.Bucket)
		}
		if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			if code := minio.ToErrorResponse(err).Code; code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
				return nil, classify("create bucket "+cfg.Bucket, err)
			}
		}
	}
	return s, nil
}

// validateKey accepts the keys fileblob accepts, so that an installation can
// move between the two: relative, slash-separated, at most MaxKeyLen bytes,
// without empty, "." or ".." segments, backslashes or NUL bytes.
func validateKey(key string) error {
	invalid := func(why string) error {
		return trailguide.Invalid("key", "Invalid blob key: %s.", why)
	}
	switch {
	case key == "":
		return invalid("empty")
	case len(key) > MaxKeyLen:
		return invalid("too long")
	case strings.ContainsAny(key, "\\\x00"):
		return invalid("backslash or NUL")
	case strings.HasPrefix(key, "/"):
		return invalid("absolute")
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "":
			return invalid("empty segment")
		case seg == "." || seg == "..":
			return invalid("dot segment")
		}
	}
	return nil
}

// Put uploads data under key: one PUT up to PartSize bytes, a multipart
// upload above.
func (s *BlobStore) Put(ctx context.Context, key string, data []byte) error {
	if err := validateKey(key); err != nil {
		return err
	}
	_, err := s.client.PutObject(ctx, s.bucket, s.prefix+key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{PartSize: s.partSize, ContentType: "application/octet-stream", SendContentMd5: true})
	if err != nil {
		return classify("put "+key, err)
	}
	return nil
}

// Get returns the object's bytes as a stream; ENOTFOUND when it does not
// exist.
func (s *BlobStore) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := validateKey(key); err != nil {
		return nil, err
	}
	// One GET whose body is the stream (Core): the high-level Object would
	// stat first and fetch later, and a delete in between would surface as
	// a read error instead of ENOTFOUND.
	body, _, _, err := minio.Core{Client: s.client}.GetObject(ctx, s.bucket, s.prefix+key, minio.GetObjectOptions{})
	if err != nil {
		return nil, classify("get "+key, err)
	}
	return body, nil
}

// Delete removes key; a missing key is not an error (S3 says so too).
func (s *BlobStore) Delete(ctx context.Context, key string) error {
	if err := validateKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.prefix+key, minio.RemoveObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil
		}
		return classify("delete "+key, err)
	}
	return nil
}

// List returns the keys starting with prefix, in lexical (byte) order, as
// S3 lists them.
func (s *BlobStore) List(ctx context.Context, prefix string) ([]string, error) {
	if strings.Contains(prefix, "\\") || strings.Contains(prefix, "..") {
		return nil, trailguide.Invalid("prefix", "Invalid blob prefix.")
	}
	keys := []string{}
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix + prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, classify(fmt.Sprintf("list %q", prefix), obj.Err)
		}
		keys = append(keys, strings.TrimPrefix(obj.Key, s.prefix))
	}
	return keys, nil
}

// classify maps a client error to the root's codes: a missing key is
// ENOTFOUND, the service unreachable or failing (after the retries) is
// EUNAVAILABLE, anything else internal.
func classify(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("s3 %s: %w", what, err)
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey" || resp.StatusCode == http.StatusNotFound && resp.Code != "NoSuchBucket":
		return trailguide.Errorf(trailguide.ENOTFOUND, "Blob not found.")
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == 0 && isNetwork(err):
		return fmt.Errorf("s3 %s: %w: %w", what, trailguide.Errorf(trailguide.EUNAVAILABLE, "Blob storage unavailable."), err)
	}
	return fmt.Errorf("s3 %s: %w", what, err)
}

func isNetwork(err error) bool {
	var ne net.Error
	var ue *url.Error
	return errors.As(err, &ne) || errors.As(err, &ue)
}
