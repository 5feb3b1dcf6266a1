import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { TRIBUTARY_VERSION } from '@tributary/config';

export class VersionResponseDto {
  @ApiProperty({ example: '0.1.0' })
  version!: string;
}

@ApiTags('health')
@Controller('version')
export class VersionController {
  @Get()
  @ApiOperation({ operationId: 'getVersion' })
  @ApiOkResponse({ type: VersionResponseDto })
  version(): VersionResponseDto {
    return { version: TRIBUTARY_VERSION };
  }
}
