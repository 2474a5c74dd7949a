const p = new Promise(()=>{});
export async function main() { await p; }
