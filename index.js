// n8n loads the nodes and credentials listed under "n8n" in package.json; this main file
// exists because npm packages need one.
module.exports = {};
