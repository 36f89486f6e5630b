'use strict';
const fastify = require('fastify')();

fastify.get('/', async () => 'hello from node-pnpm\n');
fastify.listen({ port: Number(process.env.PORT || 3000), host: '0.0.0.0' });
