export { searchAudiences } from './listSearch';
export { getMergeFields, getTags } from './loadOptions';
