// Typed domain errors. Their message is safe to show to clients; the single
// Express error handler maps them to status codes.
export class DomainError extends Error {
  readonly status: number = 400;
  readonly details?: Record<string, unknown>;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.details = details;
    this.name = new.target.name;
  }
}

/** The thing does not exist, or the caller may not see it (Mastodon answers 404 for both). */
export class NotFound extends DomainError {
  override readonly status = 404;
  constructor(message = "Record not found") {
    super(message);
  }
}

export class Forbidden extends DomainError {
  override readonly status = 403;
  constructor(message = "This action is not allowed") {
    super(message);
  }
}

export class Unauthorized extends DomainError {
  override readonly status = 401;
  constructor(message = "The access token is invalid") {
    super(message);
  }
}

/** Validation failed (Mastodon's 422). */
export class Invalid extends DomainError {
  override readonly status = 422;
}

export class Conflict extends DomainError {
  override readonly status = 409;
}

export class TooManyRequests extends DomainError {
  override readonly status = 429;
  constructor(message = "Too many requests") {
    super(message);
  }
}

export class Gone extends DomainError {
  override readonly status = 410;
}

/** Another server could not give what we needed of it (down, refused, or its answer unusable). */
export class BadGateway extends DomainError {
  override readonly status = 502;
}
