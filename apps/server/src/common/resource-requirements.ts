/**
 * `resourceRequirements` of connections and connector definitions: what their job pods may use
 * in a cluster (the Kubernetes launcher; ignored by the process launcher). Each field a
 * Kubernetes quantity; a field left out falls through to the next level (connection >
 * definition > job type default > instance default).
 */
import { KUBERNETES_QUANTITY, RESOURCE_REQUIREMENT_FIELDS, isKubernetesQuantity, type FieldError, type ResourceRequirements } from '@tributary/domain';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { ApiProblem } from '../errors/api-problem.js';
import { IsOmittable } from '../validation/request-body.js';

const QUANTITY_HINT = 'a Kubernetes quantity';
/** the document says what a quantity is (the 422 below says it in words) */
const QUANTITY_PATTERN = KUBERNETES_QUANTITY.source;

export class ResourceRequirementsDto implements ResourceRequirements {
  @ApiPropertyOptional({ description: `${QUANTITY_HINT} of CPU, e.g. 250m or 1`, example: '250m', maxLength: 64, pattern: QUANTITY_PATTERN })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  cpuRequest?: string;

  @ApiPropertyOptional({ description: `${QUANTITY_HINT} of CPU, e.g. 2`, example: '2', maxLength: 64, pattern: QUANTITY_PATTERN })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  cpuLimit?: string;

  @ApiPropertyOptional({ description: `${QUANTITY_HINT} of memory, e.g. 512Mi`, example: '512Mi', maxLength: 64, pattern: QUANTITY_PATTERN })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  memoryRequest?: string;

  @ApiPropertyOptional({ description: `${QUANTITY_HINT} of memory, e.g. 2Gi`, example: '2Gi', maxLength: 64, pattern: QUANTITY_PATTERN })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  memoryLimit?: string;
}

export const RESOURCE_REQUIREMENTS_DESCRIPTION =
  'what its job pods may request and use when connectors run in Kubernetes (TRIBUTARY_LAUNCHER=kubernetes); each field a Kubernetes quantity, a field left out comes from the next level (connection > connector definition > job type default > instance default)';

/** the 422 of a route that takes resourceRequirements, for @ApiProblems */
export const INVALID_RESOURCE_REQUIREMENTS: [number, string] = [
  422,
  'A resource requirement is not a Kubernetes quantity (`errors` names each field)',
];

/**
 * The requirements to store (null for none), after checking each is a quantity: a 422 naming
 * `resourceRequirements.<field>` otherwise (Kubernetes would refuse the pod only when a sync
 * starts). A request above its limit is left to the launcher, which sees the fields resolved
 * from every level (connection > definition > job type > instance).
 */
export function checkedResourceRequirements(value: ResourceRequirementsDto | null | undefined): ResourceRequirements | null {
  if (!value) return null;
  const errors: FieldError[] = [];
  const kept: ResourceRequirements = {};
  for (const field of RESOURCE_REQUIREMENT_FIELDS) {
    const quantity = value[field];
    if (quantity === undefined) continue;
    if (isKubernetesQuantity(quantity)) kept[field] = quantity;
    else errors.push({ path: `/resourceRequirements/${field}`, message: `${JSON.stringify(quantity)} is not ${QUANTITY_HINT} (e.g. 500m, 2, 512Mi, 1Gi)` });
  }
  if (errors.length > 0) {
    const named = errors.map((e) => `${e.path.slice(1).replace('/', '.')}: ${e.message}`);
    throw new ApiProblem(422, 'invalid_resource_requirements', 'Invalid resource requirements', named.join('; '), {
      errors: errors.map((e) => ({ pointer: `#${e.path}`, detail: e.message })),
    });
  }
  return Object.keys(kept).length > 0 ? kept : null;
}
