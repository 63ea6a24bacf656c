"""Import circles between sibling modules of a crate (CI fails on any).

A module's references (`crate::…`, `super::…`, including names a parent re-exports
from a child) are collapsed to the sibling modules under their common parent; a
strongly connected set of two or more siblings is a circle. References to a module's
own ancestors (lib.rs, mod.rs as facades) are not edges. Test modules are skipped.
"""
import os,re,sys,itertools
def modules(src):
    mods={}
    for root,_,files in os.walk(src):
        for f in files:
            if not f.endswith('.rs'): continue
            p=os.path.join(root,f); rel=os.path.relpath(p,src)[:-3].split(os.sep)
            if rel[-1] in('lib','main','mod'): rel=rel[:-1]
            mods[tuple(rel)]=p
    return mods
def refs(text):
    text=re.sub(r'//.*','',text)
    # expand use groups crudely: capture crate::a::b and super::a
    out=[]
    for m in re.finditer(r'\b(crate|super)((?:::\w+)+)',text):
        out.append((m.group(1),m.group(2).strip(':').split('::')))
    # grouped: crate::{a::b, c}
    for m in re.finditer(r'\b(crate|super)::\{([^}]*)\}',text):
        for part in m.group(2).split(','):
            part=part.strip()
            if part: out.append((m.group(1),part.split('::')))
    return out
def analyse(src):
    mods=modules(src); edges=set()
    for mod,path in mods.items():
        text=open(path).read()
        # strip test modules
        text=text.split('#[cfg(test)]')[0]
        for kind,parts in refs(text):
            base=() if kind=='crate' else mod[:-1]
            target=base
            for p in parts:
                if base+ (p,) in mods or any(k[:len(base)+1]==base+(p,) for k in mods):
                    base=base+(p,); target=base
                else:
                    # a name re-exported by the module reached: follow `pub use child::…name`
                    owner=open(mods[base]).read() if base in mods else ''
                    for m in re.finditer(r'pub(?:\(crate\))? use (\w+)::([^;]*);',owner,re.S):
                        if re.search(r'\b%s\b'%re.escape(p),m.group(2)) and base+(m.group(1),) in mods:
                            target=base+(m.group(1),); break
                    break
            if target==mod or mod[:len(target)]==target: continue  # self or ancestor
            # collapse to siblings under common parent
            common=0
            while common<min(len(mod),len(target)) and mod[common]==target[common]: common+=1
            a=mod[:common+1]; b=target[:common+1]
            if a!=b and len(a)==common+1 and len(b)==common+1: edges.add((a,b))
    # cycles via SCC
    graph={}
    for a,b in edges: graph.setdefault(a,set()).add(b)
    index={}; low={}; stack=[]; on=set(); sccs=[]; c=[0]
    def strong(v):
        index[v]=low[v]=c[0]; c[0]+=1; stack.append(v); on.add(v)
        for w in graph.get(v,()):
            if w not in index: strong(w); low[v]=min(low[v],low[w])
            elif w in on: low[v]=min(low[v],index[w])
        if low[v]==index[v]:
            comp=[]
            while True:
                w=stack.pop(); on.discard(w); comp.append(w)
                if w==v: break
            if len(comp)>1: sccs.append(comp)
    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index: strong(v)
    return sccs
failed=False
for crate in sys.argv[1:]:
    sccs=analyse(crate+'/src')
    for comp in sccs:
        failed=True
        print(crate+': import circle between', ', '.join('::'.join(m) for m in comp))
sys.exit(1 if failed else 0)
