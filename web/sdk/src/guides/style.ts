// The guides' stylesheet, inside their shadow root (page CSS cannot reach it).
export const CSS = `
:host{all:initial}
.box{position:fixed;box-sizing:border-box;max-width:320px;background:#fff;color:#1d2433;border-radius:10px;padding:16px 16px 12px;
font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;box-shadow:0 8px 30px rgba(16,24,40,.22),0 0 0 1px rgba(16,24,40,.08);outline:none}
.modal{left:50%;top:50%;transform:translate(-50%,-50%);max-width:440px;width:calc(100vw - 32px);padding:24px 24px 16px}
.backdrop{position:fixed;inset:0;background:rgba(15,20,30,.45)}
h2{margin:0 24px 6px 0;font-size:15px;font-weight:650}
.body{margin:0 0 12px}.body p{margin:0 0 6px}.body ul,.body ol{margin:4px 0 6px;padding-left:20px}.body a{color:#3b5bdb}
img{display:block;max-width:100%;border-radius:6px;margin:0 0 10px}
.bar{display:flex;gap:8px;justify-content:flex-end;align-items:center}
.n{margin-right:auto;color:#6b7280;font-size:12px}
button{font:inherit;cursor:pointer;border-radius:6px;padding:6px 12px;border:1px solid transparent}
.pri{background:#3b5bdb;color:#fff}.sec{background:#fff;color:#1d2433;border-color:#d0d5dd}
button:focus-visible{outline:2px solid #3b5bdb;outline-offset:2px}
.x{position:absolute;top:8px;right:8px;background:none;color:#6b7280;font-size:18px;line-height:1;padding:2px 6px}
.arrow{position:absolute;width:10px;height:10px;background:#fff;transform:rotate(45deg);left:calc(50% - 5px)}
.tip[data-placement^=bottom] .arrow{top:-5px;box-shadow:-1px -1px 0 rgba(16,24,40,.08)}
.tip[data-placement^=top] .arrow{bottom:-5px;box-shadow:1px 1px 0 rgba(16,24,40,.08)}
.tip[data-placement^=left] .arrow,.tip[data-placement^=right] .arrow{display:none}
.beacon{position:fixed;width:16px;height:16px;padding:0;border-radius:50%;background:#3b5bdb;box-shadow:0 0 0 0 rgba(59,91,219,.6);animation:p 1.6s infinite}
@keyframes p{70%{box-shadow:0 0 0 12px rgba(59,91,219,0)}100%{box-shadow:0 0 0 0 rgba(59,91,219,0)}}
@media (prefers-reduced-motion:reduce){.beacon{animation:none}}
`;
