export { searchAudiences } from './listSearch';
export { getMergeFields } from './loadOptions';
