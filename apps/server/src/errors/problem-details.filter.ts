import { loggableUrl } from '../common/loggable-url.js';
import { DomainError, ErrorCode, type FieldError } from '@tributary/domain';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@tributary/config';
import { ApiProblem } from './api-problem.js';
import { httpStatusFor } from './domain-error-status.js';
import type { Problem, ProblemFieldErrorDto } from './problem.dto.js';

const HTTP_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/**
 * Requests whose server error this filter has logged, at the level it deserves: the access log
 * then records them as any other request (an error line beside the filter's would turn an
 * expected 503, a connector still installing, into an error in every operator's log).
 */
export const serverErrorsLogged = new WeakSet<FastifyRequest>();

const snake = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '_');

function fieldErrorToProblem(e: FieldError): ProblemFieldErrorDto {
  return e.in === 'path' || e.in === 'query' ? { parameter: e.path, detail: e.message } : { pointer: `#${e.path}`, detail: e.message };
}

/** Errors fastify raises before Nest sees the request (bad JSON, wrong content type, body too large). */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The one place errors become HTTP responses: RFC 9457 problem+json for everything.
 * Anything unexpected is a 500 whose details go to the log, not to the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, loggableUrl(request.url.split('?')[0] ?? request.url));
    // an ApiProblem is an expected condition (Temporal down, a connector failed): its detail says it all
    if (exception instanceof ApiProblem && problem.status >= 500) this.logger.warn({ code: problem.code, path: problem.instance, detail: problem.detail }, 'request failed');
    else if (problem.status >= 500) this.logger.error({ err: exception, path: problem.instance }, 'request failed');
    if (problem.status >= 500) serverErrorsLogged.add(request);
    if (problem.status === 401) void reply.header('www-authenticate', 'Bearer');
    if (exception instanceof ApiProblem && exception.extensions.retryAfterSeconds !== undefined)
      void reply.header('retry-after', String(exception.extensions.retryAfterSeconds));
    void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, instance: string): Problem {
    if (exception instanceof ApiProblem) {
      const { status, title, code, extensions } = exception;
      return { type: `urn:tributary:problem:${code}`, title, status, detail: exception.message, instance, code, ...extensions };
    }
    if (exception instanceof DomainError) {
      const { status, title } = httpStatusFor(exception.code);
      const errors = exception.details.fieldErrors?.map(fieldErrorToProblem);
      const detail = exception.code === ErrorCode.SecretDecryptionFailed ? 'a stored secret could not be decrypted' : exception.message;
      return { type: `urn:tributary:problem:${exception.code}`, title, status, detail, instance, code: exception.code, ...(errors ? { errors } : {}) };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const title = HTTP_TITLES[status] ?? exception.name;
      const detail = status >= 500 ? undefined : exception.message;
      return { type: 'about:blank', title, status, instance, code: snake(title), ...(detail ? { detail } : {}) };
    }
    const clientStatus = clientErrorStatus(exception);
    if (clientStatus) {
      const title = HTTP_TITLES[clientStatus] ?? 'Bad request';
      const detail = exception instanceof Error ? exception.message : undefined;
      return { type: 'about:blank', title, status: clientStatus, instance, code: snake(title), ...(detail ? { detail } : {}) };
    }
    return { type: 'about:blank', title: HTTP_TITLES[500]!, status: 500, instance, code: 'internal_server_error' };
  }
}
