'use strict';
const express = require('express');

const app = express();
app.get('/', (req, res) => res.type('text/plain').send('hello from node-yarn\n'));
app.listen(Number(process.env.PORT || 3000), '0.0.0.0');
