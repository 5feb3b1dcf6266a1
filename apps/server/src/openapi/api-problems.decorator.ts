import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request does not match the API schema; `errors` names each field',
  401: 'Missing, invalid or revoked API token',
  404: 'No such resource',
  409: 'Conflicts with the current state of the resource',
  422: 'The connector configuration does not satisfy the connector spec (`errors` names each field), or the connector rejected it (`failure`)',
  502: 'The connector failed (crash, bad output, installation error); `failure` says how',
  503: 'Temporal is unreachable, or no worker polls the task queue; retry later',
  504: 'The connector did not answer in time',
};

/** Documents the problem+json error responses a route can give (401 is added to every authenticated route). */
export function ApiProblems(...statuses: (number | [status: number, description: string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((entry) => {
      const [status, description] = typeof entry === 'number' ? [entry, DESCRIPTIONS[entry] ?? 'Error'] : entry;
      return ApiResponse({
        status,
        description,
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath('ProblemDto') } } },
      });
    }),
  );
}
